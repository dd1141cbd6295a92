"""Page objects: pure extraction over a parsel Selector and its URL, no engine, network or database."""

from xcedu_crawler.pages.detail_page import DetailPage, announcement_from_parts
from xcedu_crawler.pages.entries import announcement_from_entry
from xcedu_crawler.pages.list_page import ListPage

__all__ = ["DetailPage", "ListPage", "announcement_from_entry", "announcement_from_parts"]
