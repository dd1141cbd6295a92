"""What the replica serves: columns, articles with their date styles, list entries, HTTP replies."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

from xcedu_replica.body import Body

SITE_ID = "jyj"
SITE_NAME = "许昌市教育局"
COLUMNS = (
    ("003001", "工作动态"),
    ("003002", "通知公告"),
    ("003003", "政策法规"),
    ("003004", "县区动态"),
)
COLUMN_NAMES = dict(COLUMNS)

# A fixed offset, not zoneinfo: Asia/Shanghai has kept +08:00 all through the replica's dates.
SHANGHAI = timezone(timedelta(hours=8))


def shanghai_time(text: str, fmt: str) -> datetime:
    """TEXT, written in FMT, as a time in Asia/Shanghai."""
    return datetime.strptime(text, fmt).replace(tzinfo=SHANGHAI)


# How a page writes its publication time, and how precise that is.
DATE_STYLES: dict[str, tuple[Callable[[datetime], str], str]] = {
    "dash_minute": (lambda m: f"{m:%Y-%m-%d %H:%M}", "minute"),
    "slash_second": (lambda m: f"{m.year}/{m.month}/{m.day} {m.hour}:{m:%M:%S}", "second"),
    "cn_day": (lambda m: f"{m.year}年{m.month}月{m.day}日", "day"),
    "cn_minute": (lambda m: f"{m.year}年{m:%m}月{m:%d}日 {m:%H}时{m:%M}分", "minute"),
    "dash_second": (lambda m: f"{m:%Y-%m-%d %H:%M:%S}", "second"),
}
# A seeded variation's style: "fmt:{precision}:{strftime format}" (see variation_date_style).
VARIANT_DATE_STYLE = "fmt:"
NO_DATE = "none"  # no date anywhere on the page: the list date stands
META_DATE = "meta"  # date (and source) only in the head's PubDate / contentSource meta
# How the head's PubDate meta writes a time, by precision.
META_FORMATS = {"day": "%Y-%m-%d", "minute": "%Y-%m-%d %H:%M", "second": "%Y-%m-%d %H:%M:%S"}


def variation_date_style(precision: str, fmt: str) -> str:
    return f"{VARIANT_DATE_STYLE}{precision}:{fmt}"


def date_style_of(key: str) -> tuple[Callable[[datetime], str], str]:
    """(how it writes a time, its precision) for a DATE_STYLES key or a variation's style."""
    if key.startswith(VARIANT_DATE_STYLE):
        precision, fmt = key.removeprefix(VARIANT_DATE_STYLE).split(":", 1)
        return (lambda moment: moment.strftime(fmt)), precision
    return DATE_STYLES[key]


ENCODINGS = ("utf-8", "gbk", "gbk-lying")  # gbk-lying: GBK bytes under a charset=utf-8 header
TEMPLATES = ("old", "new-h1", "new-div")


def list_path(catnum: str, page: int) -> str:
    return f"/{SITE_ID}/{catnum}/moreinfo.html" if page == 1 else f"/{SITE_ID}/{catnum}/{page}.html"


# What list_path makes: the column number, and "moreinfo" or the page number.
LIST_PATH = re.compile(rf"/{SITE_ID}/(\d{{6}})/(moreinfo|\d+)\.html")


def guid(key: str) -> str:
    """A stable GUID-shaped name for a detail page, derived from KEY."""
    h = hashlib.md5(key.encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def detail_path(catnum: str, day: date, key: str) -> str:
    return f"/{SITE_ID}/{catnum}/{day:%Y%m%d}/{guid(key)}.html"


def href(path: str) -> str:
    """A site path as linked: Chinese file names percent-encoded in UTF-8."""
    return quote(path, safe="/:?=&#")


def iso_at_precision(moment: datetime, precision: str) -> str:
    """ISO 8601 to the second, keeping no more of the time than the precision gives."""
    if precision == "day":
        moment = moment.replace(hour=0, minute=0, second=0)
    elif precision == "minute":
        moment = moment.replace(second=0)
    return moment.isoformat()


@dataclass(frozen=True)
class Published:
    raw: str
    iso: str
    precision: str


@dataclass(frozen=True)
class Article:
    """An HTML announcement as the replica serves it: one page, or several parts."""

    path: str  # of part 1; not percent-encoded
    catnum: str  # the column its breadcrumb names
    title: str  # whole, 【tag】 included
    moment: datetime  # publication time; its date is the list date
    date_style: str  # a DATE_STYLES key, NO_DATE or META_DATE
    source: str | None
    template: str  # one of TEMPLATES
    encoding: str  # one of ENCODINGS
    parts: tuple[Body, ...]
    attachments: tuple[tuple[str, str], ...] = ()  # (path, name) in the list after the body
    meta: bool = False  # head meta ArticleTitle / PubDate / contentSource
    labels: tuple[str, str, str] = ("来源", "发布时间", "：")  # new template: source, date, colon

    @property
    def list_date(self) -> date:
        return self.moment.date()

    def part_path(self, index: int) -> str:
        """Path of part INDEX (0-based): part 2 of x.html is x_2.html."""
        return self.path if index == 0 else f"{self.path.removesuffix('.html')}_{index + 1}.html"

    @property
    def visible_date(self) -> str | None:
        """The date text in the info bar, None when the page shows none."""
        if self.date_style in (NO_DATE, META_DATE):
            return None
        render, _ = date_style_of(self.date_style)
        return render(self.moment)

    @property
    def visible_source(self) -> str | None:
        return None if self.date_style == META_DATE else self.source

    @property
    def pubdate_meta(self) -> str | None:
        """The PubDate meta: the instant at the info bar's precision (minutes when it has none)."""
        if not self.meta or self.date_style == NO_DATE:
            return None
        precision = "minute" if self.date_style == META_DATE else self.published().precision
        return self.moment.strftime(META_FORMATS[precision])

    def published(self) -> Published:
        """What a correct crawl stores as the publication time."""
        if self.date_style == NO_DATE:
            return list_date_published(self.list_date)
        if self.date_style == META_DATE:
            raw = self.moment.strftime(META_FORMATS["minute"])
            return Published(raw, iso_at_precision(self.moment, "minute"), "minute")
        render, precision = date_style_of(self.date_style)
        return Published(render(self.moment), iso_at_precision(self.moment, precision), precision)


def list_date_published(day: date) -> Published:
    moment = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    return Published(f"{day:%Y-%m-%d}", moment.isoformat(), "day")


@dataclass(frozen=True)
class Listing:
    """One entry on a column's list pages."""

    catnum: str
    link: str  # the href as written: a site path (maybe with query or fragment) or a full URL
    title: str  # whole title
    list_date: date
    title_attribute: bool = True  # False: the link text is all there is (cut or not)


@dataclass(frozen=True)
class Reply:
    """One HTTP reply; `cut` sends the headers and part of the body, then closes the connection."""

    status: int
    content_type: str
    body: bytes
    cut: bool = False
    headers: tuple[tuple[str, str], ...] = ()  # more headers: the validators (conditional.py)
