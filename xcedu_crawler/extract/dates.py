"""Find date texts on pages and turn them into ISO 8601 times in Asia/Shanghai with a precision."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

SHANGHAI = ZoneInfo("Asia/Shanghai")

_YMD = (
    r"(?<!\d)(?P<year>\d{4})(?:[-/.]|\s*年\s*)(?P<month>\d{1,2})(?:[-/.]|\s*月\s*)"
    r"(?P<day>\d{1,2})(?:\s*日)?"
)
_TIME = (
    r"(?P<hour>\d{1,2})(?:[:：]|\s*[时点]\s*)(?P<minute>\d{1,2})"
    r"(?:(?:[:：]|\s*分\s*)(?P<second>\d{1,2})(?:\s*秒)?|\s*分)?"
)
# An offset is only read right after an ISO "T" time: in prose "09:00-11:30" is a span
# of time, not 09:00 at UTC-11:30.
_ISO_OFFSET = (
    r"(?P<offset>(?:(?<=T\d\d:\d\d)|(?<=T\d\d:\d\d:\d\d))(?:Z|[+-]\d\d:?\d\d))"
)
_NAMED_DATE_PATTERN = rf"{_YMD}(?:(?:T|\s*){_TIME}{_ISO_OFFSET}?)?(?![\d:])"

# The same pattern without capturing groups, so that callers can embed it in their own
# patterns, even twice, without group name clashes.
DATE_PATTERN = re.sub(r"\(\?P<\w+>", "(?:", _NAMED_DATE_PATTERN)

_DATE_RE = re.compile(_NAMED_DATE_PATTERN)
_DATE_IN_TEXT_RE = re.compile(DATE_PATTERN)
# Precision of a text the fallback parses: an hour alone ("9点") is not a minute.
_TIME_IN_TEXT_RE = re.compile(rf"(?<![\d+\-:]){_TIME}")

# Only the absolute-time parser: the default "relative-time" reads 今天 / 3天前 against
# the clock and "timestamp" reads any 10-digit number; REQUIRE_PARTS alone does not stop
# either (dateparser 1.5 returns today's date for "今天" with it). REQUIRE_PARTS stops
# a missing year or day from being filled in from the current date.
_FALLBACK_PARSER = DateDataParser(
    languages=["zh"],
    settings={
        "PARSERS": ["absolute-time"],
        "REQUIRE_PARTS": ["day", "month", "year"],
        "TIMEZONE": "Asia/Shanghai",
        "TO_TIMEZONE": "Asia/Shanghai",
        "RETURN_AS_TIMEZONE_AWARE": True,
    },
)


@dataclass(frozen=True)
class ParsedDate:
    iso: str  # to the second, with offset: 2022-02-07T09:41:00+08:00
    precision: str  # "second", "minute" or "day"


def parse_date(raw: str) -> ParsedDate | None:
    """Read a date text as published; None when it is not a complete, valid date."""
    text = raw.strip()
    match = _DATE_RE.fullmatch(text)
    if match is not None:
        # A text of a known shape that is no valid date is not passed on to dateparser,
        # which reads numbers in another order: it takes 2022-13-02 for 13 February.
        return _from_match(match)
    return _from_dateparser(text)


def find_labelled_date(text: str, labels: Sequence[str]) -> str | None:
    """The date text right after the first of the labels that has one.

    "2022-02-07 09:41" for label 信息时间 in "【信息时间:2022-02-07 09:41  阅读次数: 】".
    """
    for label in labels:
        # 信息时间：…, 【发布时间】…, and 发布日期 2022-03-01 with no colon at all.
        match = re.search(rf"{re.escape(label)}\s*[:：】]?\s*(?P<date>{DATE_PATTERN})", text)
        if match is not None:
            return match["date"]
    return None


def find_date(text: str) -> str | None:
    """The first date text in a text, e.g. "2022-02-07" in "[2022-02-07]"."""
    match = _DATE_IN_TEXT_RE.search(text)
    return match[0] if match is not None else None


def _from_match(match: re.Match[str]) -> ParsedDate | None:
    fields = ("year", "month", "day", "hour", "minute", "second")
    try:
        offset = match["offset"]
        zone = SHANGHAI if offset is None else datetime.strptime(offset, "%z").tzinfo
        moment = datetime(*(int(match[field] or 0) for field in fields), tzinfo=zone)
    except ValueError:
        return None
    return _parsed(moment, _precision(match))


def _from_dateparser(text: str) -> ParsedDate | None:
    moment = _FALLBACK_PARSER.get_date_data(text).date_obj
    if moment is None:
        return None
    time = _TIME_IN_TEXT_RE.search(text)
    precision = _precision(time) if time is not None else "day"
    return _parsed(moment, precision)


def _parsed(moment: datetime, precision: str) -> ParsedDate:
    moment = moment.astimezone(SHANGHAI).replace(microsecond=0)
    # Keep no more of the time than the text gave, so the stored time never claims more.
    if precision == "day":
        moment = moment.replace(hour=0, minute=0, second=0)
    elif precision == "minute":
        moment = moment.replace(second=0)
    return ParsedDate(iso=moment.isoformat(), precision=precision)


def _precision(match: re.Match[str]) -> str:
    if match["second"] is not None:
        return "second"
    if match["minute"] is not None:
        return "minute"
    return "day"

