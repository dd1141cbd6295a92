"""`python -m xcedu_replica.fixtures DIR`: write representative pages and their expected extraction."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin

from xcedu_replica.body import normalize_space
from xcedu_replica.build import build_site
from xcedu_replica.model import COLUMN_NAMES, META_DATE, NO_DATE, Article, href, list_path
from xcedu_replica.site import Site, part_content
from xcedu_replica.templates import link_text

FIXTURE_BASE_URL = "http://127.0.0.1:8000"
_NOTHING_EXTRACTED = {
    "title": None, "source": None, "published_raw": None, "paragraphs": [], "images": [],
    "attachments": [], "next_part_url": None, "redirect_url": None, "not_found": False,
}  # fmt: skip


def fixture_pages(site: Site) -> Iterator[tuple[str, str, str, dict]]:
    """(name, path, "detail" or "list", expected extraction) of each representative page."""
    special = site.special_articles

    def ordinary(predicate: Callable[[Article], bool]) -> Article:
        ordinaries = (r.article for r in site.page_records if r.case == "ordinary")
        return next(article for article in ordinaries if predicate(article))

    def variant(template: str, encoding: str) -> Callable[[Article], bool]:
        return lambda article: (article.template, article.encoding) == (template, encoding)

    articles = {
        "detail_seed": special["seed"],
        "detail_old_gbk": ordinary(lambda a: variant("old", "gbk")(a) and a.attachments),
        "detail_new_h1_lying_header": ordinary(variant("new-h1", "gbk-lying")),
        "detail_new_div_utf8": ordinary(variant("new-div", "utf-8")),
        # "来源：" with nothing after it, the date label right behind.
        "detail_new_empty_source": ordinary(
            lambda a: a.template != "old" and a.source is None and a.visible_date is not None
        ),
        "detail_date_slash_seconds_meta": special["cross-listed"],
        "detail_date_seconds_image": special["republished"],
        "detail_date_cn_minute": special["fragment-linked"],
        "detail_date_cn_day": special["redirect-target"],
        "detail_date_in_meta_only": ordinary(lambda a: a.date_style == META_DATE),
        "detail_no_date": ordinary(lambda a: a.date_style == NO_DATE and a.template != "old"),
        "detail_image_only": special["scanned"],
        "detail_attachments": special["attachments"],
        "detail_markup_table_br": special["markup"],
    }
    for name, article in articles.items():
        yield name, article.path, "detail", _detail_expectation(article, 0)
    two_page = special["two-page"]
    for index in range(len(two_page.parts)):
        expected = _detail_expectation(two_page, index)
        yield f"detail_two_page_part{index + 1}", two_page.part_path(index), "detail", expected

    [redirect] = [r for r in site.page_records if r.alias_paths and not r.interchangeable]
    yield "detail_script_redirect_stub", redirect.alias_paths[0], "detail", {
        **_NOTHING_EXTRACTED,
        "redirect_url": FIXTURE_BASE_URL + href(redirect.article.path),
    }
    failures = {record.reason: record.path for record in site.failure_records}
    not_found = {**_NOTHING_EXTRACTED, "not_found": True}
    yield "detail_not_found_page", failures["not_found_page"], "detail", not_found
    [broken] = [listing for listing in site.listings["003004"] if listing.link == failures["parse"]]
    yield "detail_broken_no_title", failures["parse"], "detail", {
        **_NOTHING_EXTRACTED,
        "source": "鄢陵县教育局",
        "published_raw": f"{broken.list_date:%Y-%m-%d}",
    }

    yield "list_first_page", list_path("003004", 1), "list", _list_expectation(site, "003004", 1)
    last = site.total_pages("003001")
    expected = _list_expectation(site, "003001", last)
    yield "list_last_page", list_path("003001", last), "list", expected


def _detail_expectation(article: Article, index: int) -> dict:
    next_part = article.part_path(index + 1) if index + 1 < len(article.parts) else None
    return {
        "title": normalize_space(article.title),
        "source": article.source,
        "published_raw": article.visible_date or article.pubdate_meta,
        **part_content(article, index, FIXTURE_BASE_URL),
        "next_part_url": FIXTURE_BASE_URL + href(next_part) if next_part else None,
        "redirect_url": None,
        "not_found": False,
    }


def _list_expectation(site: Site, catnum: str, number: int) -> dict:
    page_url = FIXTURE_BASE_URL + list_path(catnum, number)
    total = site.total_pages(catnum)
    return {
        "column": COLUMN_NAMES[catnum],
        "entries": [
            {
                "url": urljoin(page_url, href(listing.link)),
                # Without a title attribute the (maybe cut) link text is all the list says.
                "title": normalize_space(
                    listing.title if listing.title_attribute else link_text(listing.title)
                ),
                "date_raw": f"{listing.list_date:%Y-%m-%d}",
            }
            for listing in site.page_listings(catnum, number)
        ],
        "next_page_url": (
            FIXTURE_BASE_URL + list_path(catnum, number + 1) if number < total else None
        ),
        "total_pages": total,
    }


def write_fixtures(directory: Path) -> list[str]:
    """Write NAME.html (the bytes served) and NAME.json for each fixture page; return the names."""
    site = build_site()
    directory.mkdir(parents=True, exist_ok=True)
    names = []
    for name, path, kind, expected in fixture_pages(site):
        reply = site.respond(path)
        (directory / f"{name}.html").write_bytes(reply.body)
        spec = {
            "url": FIXTURE_BASE_URL + href(path),
            "content_type": reply.content_type,
            "page": kind,
            "expected": expected,
        }
        text = json.dumps(spec, ensure_ascii=False, indent=2) + "\n"
        (directory / f"{name}.json").write_text(text, encoding="utf-8")
        names.append(name)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m xcedu_replica.fixtures",
        description="Write the replica's representative pages (raw bytes as served) and the "
        "extraction expected from each, for extraction tests.",
    )
    parser.add_argument("directory", type=Path, help="where to write NAME.html and NAME.json")
    args = parser.parse_args(argv)
    names = write_fixtures(args.directory)
    print(f"Wrote {len(names)} fixtures to {args.directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
