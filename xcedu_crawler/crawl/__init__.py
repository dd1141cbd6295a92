"""The crawl: Scrapy's spider, middlewares, pipelines and the run extension; imports extract and archive, never commands."""
