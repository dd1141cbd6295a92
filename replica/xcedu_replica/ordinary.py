"""Ordinary announcements: realistic, deterministic, cycling through every template, encoding and date style."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from random import Random
from typing import TYPE_CHECKING

from xcedu_replica.body import (
    NBSP_INDENT,
    Block,
    Body,
    blank,
    document_line,
    image,
    lines,
    nested,
    paragraph,
    script,
    signature,
    table,
)
from xcedu_replica.model import (
    COLUMNS,
    DATE_STYLES,
    ENCODINGS,
    META_DATE,
    NO_DATE,
    SHANGHAI,
    TEMPLATES,
    Article,
    detail_path,
    href,
)
from xcedu_replica.vocabulary import (
    DISTRICTS,
    DOCUMENT_NAMES,
    EVENTS,
    GENERAL_SENTENCES,
    SOURCES,
    TAGS,
    TITLE_PATTERNS,
    TOPICS,
)

if TYPE_CHECKING:  # for annotations only: site.py imports this module to publish announcements
    from xcedu_replica.site import Site

# Ordinary announcements are older than the special cases, so those stay on the first list pages.
NEWEST_DAY = date(2022, 1, 31)
DAYS_APART = 2
_INDENTS = ("\u3000\u3000", "\u3000\u3000", NBSP_INDENT, "", "  ")
_WRAPPERS = (None, None, None, "font", "span", "font+span")
_DOCUMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps")
_HEAD_COUNT_BASE = 120
_OLD_TEMPLATE_STYLES = (*DATE_STYLES, NO_DATE)
_NEW_TEMPLATE_STYLES = (*DATE_STYLES, NO_DATE, META_DATE)


def add_ordinary_announcements(site: Site, per_column: int) -> None:
    for position in range(per_column):
        for column_index, (catnum, _) in enumerate(COLUMNS):
            day = NEWEST_DAY - timedelta(days=position * DAYS_APART + column_index % DAYS_APART)
            site.add_ordinary(catnum, day)


def ordinary_article(serial: int, catnum: str, day: date) -> Article:
    """Announcement number SERIAL; its template, encoding and date style cycle with SERIAL."""
    rng = Random(f"ordinary-{serial}")
    template = TEMPLATES[serial % len(TEMPLATES)]
    encoding = ENCODINGS[serial // len(TEMPLATES) % len(ENCODINGS)]
    styles = _OLD_TEMPLATE_STYLES if template == "old" else _NEW_TEMPLATE_STYLES
    date_style = styles[serial // (len(TEMPLATES) * len(ENCODINGS)) % len(styles)]
    clock = time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
    moment = datetime.combine(day, clock, SHANGHAI)
    topic = rng.choice(list(TOPICS))
    district = rng.choice(DISTRICTS)
    tag = rng.choice(TAGS) if rng.random() < 0.4 else None
    title = rng.choice(TITLE_PATTERNS).format(topic=topic, district=district, year=moment.year)
    if tag is not None:
        title = f"【{tag}】{title}"
    path = detail_path(catnum, day, f"{catnum}-{serial}")
    attachments = _attachments(rng, topic, moment) if rng.random() < 0.2 else ()
    # A page keeping its metadata in the head always names a source there.
    source = rng.choice(SOURCES) if date_style == META_DATE or rng.random() < 0.7 else None
    dated = date_style not in (NO_DATE, META_DATE)
    # Every other new-template page carries head meta; a page dated only there always does.
    meta = template != "old" and (date_style == META_DATE or (dated and serial % 2 == 0))
    return Article(
        path=path,
        catnum=catnum,
        title=title,
        moment=moment,
        date_style=date_style,
        source=source,
        template=template,
        encoding=encoding,
        parts=(_body(rng, serial, topic, district, moment, dated, tag == "图片新闻", attachments),),
        attachments=attachments,
        meta=meta,
        labels=(
            rng.choice(("信息来源", "来源")),
            rng.choice(("信息时间", "发布时间", "发布日期")),
            rng.choice((":", "：")),
        ),
    )


def _attachments(rng: Random, topic: str, moment: datetime) -> tuple[tuple[str, str], ...]:
    folder = f"/jyj/uploads/{moment:%Y/%m/%d%H%M%S}/"
    names = rng.sample(DOCUMENT_NAMES, rng.randint(1, 2))
    file_names = [
        f"{name.format(year=moment.year, topic=topic)}.{rng.choice(_DOCUMENT_EXTENSIONS)}"
        for name in names
    ]
    return tuple((folder + file_name, file_name) for file_name in file_names)


def _body(
    rng: Random,
    serial: int,
    topic: str,
    district: str,
    moment: datetime,
    dated: bool,
    picture_news: bool,
    attachments: tuple[tuple[str, str], ...],
) -> Body:
    sentences = [*TOPICS[topic], *GENERAL_SENTENCES]
    rng.shuffle(sentences)
    blocks: list[Block] = []
    if picture_news:
        folder = rng.choice(("/jyj/uploads/images/", "../../uploads/images/"))
        src = f"{folder}{moment:%Y%m%d%H%M%S}.jpg"
        blocks.append(image(src, f"{district}{topic}工作现场"))
    # A page without a date shows none anywhere, its body included.
    opening = f"{moment.month}月{moment.day}日，" if dated else "近日，"
    # Titles repeat, as on the real site; the head count is unique to the announcement, so no
    # two of them ever have equal content (which would make them one republished announcement).
    head_count = _HEAD_COUNT_BASE + serial
    event = f"{district}教育局{rng.choice(EVENTS)}，共有{head_count}名干部师生参加。"
    blocks.append(paragraph(f"{opening}{event}{sentences.pop()}"))
    for _ in range(rng.randint(2, 4)):
        if rng.random() < 0.2:
            blocks.append(blank())
        blocks.append(paragraph(sentences.pop(), rng.choice(_INDENTS), rng.choice(_WRAPPERS)))
    extra = rng.random()
    if extra < 0.15:
        items = [f"{n}是{sentences.pop()}" for n in "一二三"]
        blocks.append(lines(items, rng.choice(("p", "div"))))
    elif extra < 0.25:
        rows = [[name, str(rng.randint(20, 90)), ""] for name in DISTRICTS[:3]]
        blocks.append(table(["县（市、区）", "学校数", "备注"], rows))
    elif extra < 0.35:
        blocks.append(nested(sentences.pop(), [sentences.pop(), sentences.pop()], "特此通知。"))
    if rng.random() < 0.1:
        blocks.append(script())
    if attachments and rng.random() < 0.5:
        path, name = attachments[0]
        blocks.append(document_line("附件：", name, href(path)))
    if dated and rng.random() < 0.3:
        blocks.append(signature(f"{district}教育局"))
        blocks.append(signature(f"{moment.year}年{moment.month}月{moment.day}日"))
    return Body(tuple(blocks))
