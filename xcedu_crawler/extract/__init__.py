"""Pure extraction: page and document objects over parsed markup or bytes; imports no Scrapy engine, archive or command."""
