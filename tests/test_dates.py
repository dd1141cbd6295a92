import re

import pytest

from xcedu_crawler.extract.dates import (
    DATE_PATTERN,
    ParsedDate,
    find_date,
    find_labelled_date,
    parse_date,
)

FAST_PATH_CASES = [
    ("2022-02-07", "2022-02-07T00:00:00+08:00", "day"),
    ("2022-02-07 09:41", "2022-02-07T09:41:00+08:00", "minute"),
    ("2022-02-07 09:41:30", "2022-02-07T09:41:30+08:00", "second"),
    ("2022/2/7 9:05:55", "2022-02-07T09:05:55+08:00", "second"),
    ("2022/2/7", "2022-02-07T00:00:00+08:00", "day"),
    ("2022.02.07", "2022-02-07T00:00:00+08:00", "day"),
    ("2022年2月7日", "2022-02-07T00:00:00+08:00", "day"),
    ("2022 年 2 月 7 日", "2022-02-07T00:00:00+08:00", "day"),
    ("2022年02月07日 09时41分", "2022-02-07T09:41:00+08:00", "minute"),
    ("2022年02月07日09时41分", "2022-02-07T09:41:00+08:00", "minute"),
    ("2022年2月7日 09:41", "2022-02-07T09:41:00+08:00", "minute"),
    ("2022年2月7日 9：41", "2022-02-07T09:41:00+08:00", "minute"),
    ("2022年2月7日 9点41分", "2022-02-07T09:41:00+08:00", "minute"),
    ("2022年02月07日 09时41分30秒", "2022-02-07T09:41:30+08:00", "second"),
    ("2022-02-07  09:41", "2022-02-07T09:41:00+08:00", "minute"),
    ("2022-02-07T09:41:00", "2022-02-07T09:41:00+08:00", "second"),
    ("2022-02-07T09:41", "2022-02-07T09:41:00+08:00", "minute"),
    ("2022-02-07T09:41:00+08:00", "2022-02-07T09:41:00+08:00", "second"),
    ("2022-02-07T01:41:00Z", "2022-02-07T09:41:00+08:00", "second"),
    ("2022-02-06T20:41:00-05:00", "2022-02-07T09:41:00+08:00", "second"),
    ("2022-02-07T02:41:00+0100", "2022-02-07T09:41:00+08:00", "second"),
    ("  2022-02-07 09:41\u3000", "2022-02-07T09:41:00+08:00", "minute"),
    ("2024-02-29", "2024-02-29T00:00:00+08:00", "day"),
]

FALLBACK_CASES = [
    ("2022年2月7日 下午3:05", "2022-02-07T15:05:00+08:00", "minute"),
    ("2022/02/07 上午 09:41:30", "2022-02-07T09:41:30+08:00", "second"),
    ("2022年2月7日星期一", "2022-02-07T00:00:00+08:00", "day"),
    ("2022-02-07T01:41:00.250Z", "2022-02-07T09:41:00+08:00", "second"),
]


@pytest.mark.parametrize(("raw", "iso", "precision"), FAST_PATH_CASES + FALLBACK_CASES)
def test_parse_date(raw, iso, precision):
    assert parse_date(raw) == ParsedDate(iso=iso, precision=precision)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("2022-02-30", id="no-such-day"),
        pytest.param("2023-02-29", id="not-a-leap-year"),
        pytest.param("2022-13-02", id="no-such-month"),
        pytest.param("2022-02-07 25:00", id="no-such-hour"),
        pytest.param("2022-02-07 09:60", id="no-such-minute"),
        pytest.param("2022-02-07T09:41:00+25:00", id="no-such-offset"),
        pytest.param("今天", id="relative-today"),
        pytest.param("昨天", id="relative-yesterday"),
        pytest.param("3天前", id="relative-days-ago"),
        pytest.param("今天 09:41", id="relative-with-time"),
        pytest.param("02-07", id="no-year-numeric"),
        pytest.param("2月7日", id="no-year-chinese"),
        pytest.param("2022年2月", id="no-day"),
        pytest.param("2022", id="year-only"),
        pytest.param("1644198060", id="unix-timestamp"),
        pytest.param("阅读次数", id="no-date"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_date_never_guesses(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize("raw", [raw for raw, _, _ in FAST_PATH_CASES])
def test_date_pattern_matches_every_fast_path_text(raw):
    assert re.fullmatch(DATE_PATTERN, raw.strip())


def test_date_pattern_has_no_groups_and_embeds_twice():
    twice = re.compile(f"从(?P<start>{DATE_PATTERN})至(?P<end>{DATE_PATTERN})")
    match = twice.search("从2022年2月7日至2022年3月1日")
    assert twice.groups == 2
    assert (match["start"], match["end"]) == ("2022年2月7日", "2022年3月1日")


INFO_BAR = "【信息来源:】【信息时间:2022-02-07 09:41  阅读次数: 】【字号 大 中 小】【关闭"


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        pytest.param(INFO_BAR, ["信息时间"], "2022-02-07 09:41", id="epoint-info-bar"),
        pytest.param(
            INFO_BAR, ["发布时间", "信息时间"], "2022-02-07 09:41", id="first-label-absent"
        ),
        pytest.param(
            "发布时间：2022年02月07日 09时41分 来源：许昌市教育局",
            ["发布时间"],
            "2022年02月07日 09时41分",
            id="full-width-colon",
        ),
        pytest.param(
            "发布日期 :  2022/2/7 9:05:55\u3000\u3000浏览",
            ["发布日期"],
            "2022/2/7 9:05:55",
            id="spaces-around-colon-trailing-space-stripped",
        ),
        pytest.param(
            "信息时间:2022-02-07  09:41阅读次数",
            ["信息时间"],
            "2022-02-07  09:41",
            id="internal-spacing-kept",
        ),
        pytest.param(
            "成文日期:2022-01-30 发布日期:2022-02-07",
            ["发布日期", "成文日期"],
            "2022-02-07",
            id="labels-tried-in-given-order",
        ),
        pytest.param(
            "信息时间: 阅读次数 2022-02-07 09:41",
            ["信息时间"],
            None,
            id="date-elsewhere-does-not-count",
        ),
        pytest.param(
            "信息时间:  发布日期:2022-02-07",
            ["信息时间", "发布日期"],
            "2022-02-07",
            id="label-without-date-skipped",
        ),
        # Some templates write the label with no colon: the date right after it still counts.
        pytest.param("发布日期 2022-02-07", ["发布日期"], "2022-02-07", id="colon-optional"),
        pytest.param("【发布时间】2022-02-07", ["发布时间"], "2022-02-07", id="bracketed-label"),
        pytest.param("2022-02-07 09:41", ["信息时间"], None, id="no-label"),
        pytest.param("信息时间:2022-02-07", [], None, id="no-labels-given"),
        pytest.param(
            "时间(北京):2022-02-07", ["时间(北京)"], "2022-02-07", id="label-is-literal-text"
        ),
    ],
)
def test_find_labelled_date(text, labels, expected):
    assert find_labelled_date(text, labels) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[2022-02-07]", "2022-02-07"),
        ("\n  2022-02-07\n", "2022-02-07"),
        ("发布于2022年2月7日 09:41，阅读", "2022年2月7日 09:41"),
        ("会议时间：2022年2月7日 09:00-11:30", "2022年2月7日 09:00"),
        ("文号 12022-02-07", None),
        ("2022-02-07T09:41:00+08:00", "2022-02-07T09:41:00+08:00"),
        ("2022-02-07 09:41:00+08:00", "2022-02-07 09:41:00"),
        ("第一 2022-01-01 第二 2022-02-02", "2022-01-01"),
        ("02-07", None),
        ("", None),
    ],
)
def test_find_date(text, expected):
    assert find_date(text) == expected
