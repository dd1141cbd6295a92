"""Scrapy commands of the project (COMMANDS_MODULE): `scrapy crawl` with the archive's exit code."""
