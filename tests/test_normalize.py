"""Normalisation rules, table-driven: title and tag, source, date order and precision, failures."""

import pytest

from xcedu_crawler.extract.normalize import IncompleteAnnouncement, normalize
from xcedu_crawler.items import DateCandidate, ListEntry, RawAnnouncement

URL = "http://jyj.example.cn/jyj/003001/20220207/abc.html"


def raw(**fields):
    base = dict(
        url=URL,
        kind="page",
        entry=ListEntry(URL, "【部署】许昌市2022年教育工作会议召开", "2022-02-06", "工作动态"),
        columns=["工作动态"],
        title="【部署】许昌市2022年教育工作会议召开",
        paragraphs=["正文"],
    )
    base.update(fields)
    return RawAnnouncement(**base)


@pytest.mark.parametrize(
    ("fields", "title", "tag"),
    [
        ({}, "许昌市2022年教育工作会议召开", "部署"),
        ({"title": "  关于做好\u3000招生工作的通知 "}, "关于做好 招生工作的通知", None),
        # The page has no title: the list entry's whole title serves.
        ({"title": None}, "许昌市2022年教育工作会议召开", "部署"),
        ({"title": "", "entry": ListEntry(URL, "关于双减", None, "通知公告")}, "关于双减", None),
    ],
)
def test_title_and_tag(fields, title, tag):
    announcement = normalize(raw(**fields))
    assert (announcement.title, announcement.title_tag) == (title, tag)


@pytest.mark.parametrize(
    ("source", "expected"),
    [(None, None), ("", None), ("\u3000 ", None), (" 许昌市教育局\u00a0办公室 ", "许昌市教育局 办公室")],
)
def test_source_is_normalised_or_null(source, expected):
    assert normalize(raw(source=source)).source == expected


@pytest.mark.parametrize(
    ("dates", "entry_date", "published_at", "precision", "published_raw"),
    [
        ([DateCandidate("2022-02-07 09:41", "label")], "2022-02-06",
         "2022-02-07T09:41:00+08:00", "minute", "2022-02-07 09:41"),
        ([DateCandidate("2022/2/7 9:05:55", "label"), DateCandidate("2022-02-01", "meta:PubDate")], None,
         "2022-02-07T09:05:55+08:00", "second", "2022/2/7 9:05:55"),
        # An unreadable page date gives way to the next rule, here the PubDate meta.
        ([DateCandidate("02-07", "label"), DateCandidate("2022年2月7日", "meta:PubDate")], None,
         "2022-02-07T00:00:00+08:00", "day", "2022年2月7日"),
        # No date on the page: the list date, at day precision.
        ([], "2022-02-06", "2022-02-06T00:00:00+08:00", "day", "2022-02-06"),
        # Nothing readable anywhere: no date is invented, the raw text is kept.
        ([DateCandidate("02-07", "label")], None, None, None, "02-07"),
        ([], None, None, None, None),
    ],
)
def test_date_order_precision_and_no_guessing(dates, entry_date, published_at, precision, published_raw):
    entry = ListEntry(URL, "标题", entry_date, "工作动态")
    announcement = normalize(raw(dates=dates, entry=entry))
    assert (announcement.published_at, announcement.published_precision, announcement.published_raw) == (
        published_at, precision, published_raw)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": None, "entry": None}, "title"),
        ({"paragraphs": [], "images": []}, "empty body"),
    ],
)
def test_incomplete_announcements_are_refused_with_a_reason(fields, reason):
    with pytest.raises(IncompleteAnnouncement, match=reason):
        normalize(raw(**fields))


def test_a_body_is_kept_under_the_lists_cut_title_when_the_page_has_none():
    entry = ListEntry(URL, "关于做好2022年普通高中招生...", None, "通知公告")
    announcement = normalize(raw(title=None, entry=entry))
    assert announcement.title == "关于做好2022年普通高中招生..." and announcement.provenance["title"] == "list:cut"
    with pytest.raises(IncompleteAnnouncement, match="title"):
        normalize(raw(title=None, entry=entry, paragraphs=[], images=[]))


def test_image_only_body_is_complete():
    announcement = normalize(raw(paragraphs=[], images=["http://jyj.example.cn/a.jpg"]))
    assert announcement.paragraphs == [] and announcement.body == ""


def test_file_entry_takes_everything_from_the_list():
    entry = ListEntry("http://jyj.example.cn/jyj/uploads/a.pdf", "【通知】招生计划表", "2022-03-01", "通知公告")
    announcement = normalize(RawAnnouncement(url=entry.url, kind="file", entry=entry, columns=["通知公告"]))
    assert (announcement.title, announcement.title_tag, announcement.source) == ("招生计划表", "通知", None)
    assert (announcement.published_at, announcement.published_precision) == ("2022-03-01T00:00:00+08:00", "day")


def test_equal_content_equal_hash():
    assert normalize(raw()).content_hash == normalize(raw(url=URL + "?x=1")).content_hash
    assert normalize(raw()).content_hash != normalize(raw(paragraphs=["另一段"])).content_hash
