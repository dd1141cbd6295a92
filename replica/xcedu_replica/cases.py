"""The nasty cases of site-model.md section 3 (all but the anti-crawler challenge), numbered as in the brief."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from importlib import resources

from xcedu_replica import templates
from xcedu_replica.body import (
    NBSP_INDENT,
    Block,
    Body,
    blank,
    document_line,
    heading,
    image,
    inline_runs,
    lines,
    link_paragraph,
    nbsp_spaced,
    nested,
    normalize_space,
    paragraph,
    prose,
    raw_paragraph,
    script,
    signature,
    style,
    table,
)
from xcedu_replica.documents import real_document
from xcedu_replica.model import Article, Listing, detail_path, href, shanghai_time
from xcedu_replica.site import NOT_FOUND_PAGE, EntryRecord, FailureRecord, PageRecord, Site

SEED_HEADER_LINES = 3  # breadcrumb, title and info bar; the body follows
TRACKING_QUERY = "?from=timeline&spm=a.b.c"
FRAGMENT = "#xcedu-share"


def add_special_cases(site: Site) -> None:
    """Serve, list and expect every special case."""
    for add_case in (
        _seed_page,
        _cross_listed_with_tracking_query,
        _listed_with_fragment,
        _republished_copy,
        _file_entries,
        _external_entries,
        _script_redirect,
        _not_found_page,
        _http_404,
        _server_error_then_ok,
        _permanent_server_error,
        _cut_connection,
        _two_page_article,
        _image_only_body,
        _attachments,
        _robots_disallowed,
        _broken_template,
        _markup_showcase,
    ):
        add_case(site)


def _article(
    key: str, catnum: str, title: str, when: str, parts: tuple[Body, ...], **fields
) -> Article:
    moment = shanghai_time(when, "%Y-%m-%d %H:%M:%S")
    return Article(
        path=detail_path(catnum, moment.date(), key), catnum=catnum, title=title, moment=moment,
        parts=parts, **fields,
    )  # fmt: skip


def _seed_body() -> Body:
    text = resources.files(__package__).joinpath("data/seed-page.txt").read_text(encoding="utf-8")
    blocks: list[Block] = []
    for line in text.splitlines()[SEED_HEADER_LINES:]:
        if normalize_space(line):
            blocks.append(raw_paragraph(line))
        elif blocks and blocks[-1].paragraphs:  # one empty <p> per run of blank lines
            blocks.append(blank())
    return Body(tuple(blocks))


def _seed_page(site: Site) -> None:
    # Case 1: the real page the site model is drawn from, 18 paragraphs, in the old template.
    article = _article(
        "seed", "003001", "【部署】许昌市2022年教育工作会议召开", "2022-02-07 09:41:00",
        (_seed_body(),),
        date_style="dash_minute", source=None, template="old", encoding="utf-8",
    )  # fmt: skip
    site.add_page("1 seed page", article, key="seed")


def _cross_listed_with_tracking_query(site: Site) -> None:
    # Cases 2 and 3: one URL listed under 通知公告 and 政策法规, and under 县区动态
    # with a tracking query.
    article = _article(
        "cross-listed", "003002", "【通知】关于做好2022年义务教育阶段学校招生入学工作的通知",
        "2022-03-08 09:05:55",
        (Body((
            paragraph("各县（市、区）教育局，市直各学校：", indent=""),
            paragraph("为切实做好2022年义务教育阶段学校招生入学工作，现将有关事项通知如下。"),
            lines(["一、坚持免试就近入学。", "二、规范民办学校招生。", "三、保障特殊群体入学。"]),
            paragraph("各地要严格落实“双减”要求，严禁以各类考试、竞赛成绩作为招生依据。"),
            signature("许昌市教育局"),
        )),),
        date_style="slash_second", source="市教育局基础教育科", template="new-h1", encoding="gbk",
        meta=True, labels=("信息来源", "发布时间", ":"),
    )  # fmt: skip
    site.add_page(
        "2 cross-listed, 3 tracking query", article,
        ("003003", article.path), ("003004", article.path + TRACKING_QUERY), key="cross-listed",
    )  # fmt: skip


def _listed_with_fragment(site: Site) -> None:
    # Case 3: listed again under 县区动态 by a link with a #fragment: still one URL.
    article = _article(
        "fragment-linked", "003001", "许昌市教育局召开校园安全工作专题会议", "2022-03-04 15:30:00",
        (prose(
            "3月4日下午，市教育局召开校园安全工作专题会议，分析研判当前校园安全形势。",
            "会议要求，各学校要全面排查校舍、消防、食品等方面的安全隐患，建立整改台账。",
            "会议强调，要加强校园周边综合治理，落实上下学时段“护学岗”制度。",
        ),),
        date_style="cn_minute", source="市教育局安全稳定科", template="old", encoding="gbk-lying",
    )  # fmt: skip
    site.add_page(
        "3 fragment link", article, ("003004", article.path + FRAGMENT), key="fragment-linked"
    )


def _republished_copy(site: Site) -> None:
    # Case 4: the same bytes served at a second URL, listed in another column on a later day.
    article = _article(
        "republished", "003001", "【工作动态】禹州市扎实推进“双减”工作落地见效",
        "2022-02-21 10:15:42",
        (Body((
            image("/jyj/uploads/images/2022/02/yuzhou-shuangjian.jpg",
                  "禹州市某小学课后服务活动现场"),
            paragraph("今年以来，禹州市教育局把“双减”工作作为一号工程，"
                      "全面推行课后服务“5+2”模式。"),
            paragraph("全市义务教育学校课后服务实现全覆盖，学生参与率达到百分之九十五以上。"),
        )),),
        date_style="dash_second", source="禹州市教育局", template="old", encoding="gbk",
    )  # fmt: skip
    site.serve_article(article)
    site.special_articles["republished"] = article
    copy_path = detail_path("003004", date(2022, 2, 23), "republished-copy")
    site.serve(copy_path, site.article_responder(article))
    site.add_listing(Listing("003001", article.path, article.title, article.list_date))
    site.add_listing(Listing("003004", copy_path, article.title, date(2022, 2, 23)))
    site.page_records.append(PageRecord(
        "4 republished copy", article, ("003001", "003004"), (copy_path,), interchangeable=True
    ))  # fmt: skip


def _file_entries(site: Site) -> None:
    # Case 5: list entries that are documents themselves.
    for catnum, path, title, day in (
        ("003002", "/jyj/uploads/2022/03/2022年许昌市中招考试政策问答.pdf",
         "2022年许昌市中招考试政策问答", date(2022, 3, 7)),
        ("003003", "/jyj/uploads/2022/02/20220218093012345.wps",
         "【公示】许昌市教育局行政执法事项清单", date(2022, 2, 18)),
        ("003004", "/jyj/uploads/2022/03/长葛市学前教育招生公告.ofd",
         "长葛市2022年学前教育招生公告", date(2022, 3, 2)),
    ):  # fmt: skip
        site.serve_document(path)
        listing = Listing(catnum, path, title, day)
        site.add_listing(listing)
        site.entry_records.append(EntryRecord("5 file entry", "file", listing))
    # A real PDF: its second page's 录取批次 stands on no page of the site.
    site.serve("/jyj/uploads/2022/03/2022年许昌市中招考试政策问答.pdf", real_document("embedded_font.pdf"))


def _external_entries(site: Site) -> None:
    # Case 6: entries on other hosts, kept from the list and never fetched.
    for catnum, url, title, day in (
        ("003004", "https://mp.weixin.qq.com/s/xcedu-demo", "襄城县举办中小学生“双减”成果展示活动",
         date(2022, 3, 6)),
        ("003001", "http://www.haedu.gov.cn/2022/02/07/1.html", "河南省召开2022年全省教育工作会议",
         date(2022, 2, 7)),
    ):  # fmt: skip
        listing = Listing(catnum, url, title, day)
        site.add_listing(listing)
        site.entry_records.append(EntryRecord("6 external entry", "external", listing))


def _script_redirect(site: Site) -> None:
    # Case 7: the listed URL is a stub whose only content is location.href = the real page.
    target = _article(
        "redirect-target", "003003", "关于印发《许昌市中小学校园安全管理办法》的通知",
        "2022-02-16 16:20:00",
        (prose(
            "各县（市、区）教育局，市直各学校：",
            "现将《许昌市中小学校园安全管理办法》印发给你们，请认真遵照执行。",
            "各学校要完善突发事件应急预案，每学期至少组织两次应急疏散演练。",
        ),),
        date_style="cn_day", source="市教育局安全稳定科", template="new-div", encoding="utf-8",
        labels=("来源", "发布日期", "："),
    )  # fmt: skip
    site.serve_article(target)
    site.special_articles["redirect-target"] = target
    stub_path = detail_path("003003", target.list_date, "redirect-stub")
    stub = templates.html_reply(templates.script_redirect_stub(target.path), "utf-8")
    site.serve(stub_path, lambda _: stub)
    site.add_listing(Listing("003003", stub_path, target.title, target.list_date))
    site.page_records.append(PageRecord("7 script redirect", target, ("003003",), (stub_path,)))


def _failing_entry(site: Site, case: str, reason: str, catnum: str, key: str, title: str, day: date,
                   title_attribute: bool = True) -> str:  # fmt: skip
    path = detail_path(catnum, day, key)
    site.add_listing(Listing(catnum, path, title, day, title_attribute))
    site.failure_records.append(FailureRecord(case, path, reason))
    return path


def _not_found_page(site: Site) -> None:
    # Case 8: HTTP 200 with the site's "您访问的页面不存在" page.
    path = _failing_entry(
        site, "8 error page with HTTP 200", "not_found_page", "003001", "not-found",
        "许昌市教育局关于开展教师节表彰活动的通知", date(2022, 2, 25),
    )  # fmt: skip
    site.serve(path, lambda _: NOT_FOUND_PAGE)


def _http_404(site: Site) -> None:
    # Case 9: a listed page that is gone (nothing is served there).
    _failing_entry(
        site, "9 HTTP 404", "http_404", "003002", "gone",
        "关于调整2022年春季学期开学时间的通知", date(2022, 2, 26),
    )  # fmt: skip


def _server_error_then_ok(site: Site) -> None:
    # Case 10: the first GET gets a 500, later ones the page: a retry archives it.
    article = _article(
        "flaky", "003002", "【通知】关于做好2022年春季学期学生资助工作的通知",
        "2022-03-03 11:02:00",
        (prose(
            "各县（市、区）教育局，市直各学校：",
            "为确保家庭经济困难学生资助政策应享尽享，"
            "现就做好2022年春季学期学生资助工作通知如下。",
            "各学校要认真做好资助对象认定工作，严格审核、公示资助名单。",
        ),),
        date_style="dash_minute", source="许昌市教育局办公室", template="old", encoding="utf-8",
    )  # fmt: skip
    page = site.article_responder(article)
    error = templates.html_reply(templates.server_error_page(), "utf-8", status=500)
    site.add_page("10 HTTP 500 then OK", article, key="flaky")
    site.serve(article.path, lambda attempt: error if attempt == 1 else page(attempt))


def _permanent_server_error(site: Site) -> None:
    # Case 11: a 500 every time.
    path = _failing_entry(
        site, "11 HTTP 500 every time", "http_500", "003003", "server-error",
        "许昌市教育系统安全生产专项整治三年行动实施方案", date(2022, 2, 24),
    )  # fmt: skip
    error = templates.html_reply(templates.server_error_page(), "utf-8", status=500)
    site.serve(path, lambda _: error)


def _cut_connection(site: Site) -> None:
    # Case 12: a real page, but the connection closes after part of the declared body, every time.
    article = _article(
        "cut", "003004", "建安区召开2022年中招考试工作会议", "2022-03-05 10:00:00",
        (prose("3月5日，建安区教育局召开2022年中招考试工作会议。",
                "会议对今年的中招考试工作进行了安排部署。"),),
        date_style="dash_minute", source="建安区教育局", template="old", encoding="utf-8",
    )  # fmt: skip
    path = _failing_entry(
        site, "12 connection cut mid-body", "download_error", "003004", "cut",
        article.title, article.list_date,
    )  # fmt: skip
    page = site.article_responder(article)
    site.serve(path, lambda attempt: replace(page(attempt), cut=True))


def _two_page_article(site: Site) -> None:
    # Case 13: one article over two pages, joined by the article's own pager.
    part_one = Body((
        paragraph("为做好我市2022年普通高中招生工作，根据省教育厅有关规定，"
                  "结合我市实际，制定本方案。"),
        heading("一、招生计划"),
        paragraph("2022年全市普通高中计划招生两万余人，招生计划向农村初中和薄弱初中倾斜。"),
        heading("二、报名办法"),
        lines(["（一）报名对象：具有本市学籍的应届初中毕业生。", "（二）报名方式：网上报名。"],
              "div"),
    ))  # fmt: skip
    part_two = Body((
        heading("三、录取办法"),
        paragraph("录取工作按照“志愿优先、分数优先”的原则，分批次进行。"),
        heading("四、工作要求"),
        paragraph("各学校要严格执行招生政策，严禁违规招生、有偿招生。"),
        signature("许昌市教育局"),
        signature("2022年3月10日"),
    ))  # fmt: skip
    article = _article(
        "two-page", "003002", "【通知】许昌市2022年普通高中招生工作实施方案", "2022-03-10 08:30:00",
        (part_one, part_two),
        date_style="dash_minute", source="许昌市招生考试中心", template="new-div", encoding="utf-8",
        labels=("来源", "发布时间", "："),
    )  # fmt: skip
    site.add_page("13 two-page article", article, key="two-page")


def _image_only_body(site: Site) -> None:
    # Case 14: a scanned notice: the body is pictures only (relative and absolute-path sources).
    article = _article(
        "scanned", "003002", "【通知】关于做好2022年中小学教师资格考试报名工作的通知（扫描件）",
        "2022-03-01 17:45:00",
        (Body((
            image("scan-1.jpg"),
            image("../../uploads/2022/03/scan-2.jpg"),
            image("/jyj/uploads/2022/03/scan-3.jpg"),
        )),),
        date_style="dash_minute", source="许昌市教育局办公室", template="old", encoding="gbk",
    )  # fmt: skip
    site.add_page("14 image-only body", article, key="scanned")


def _attachments(site: Site) -> None:
    # Case 15: documents linked twice (body and attachment list), relative hrefs, Chinese names.
    uploads = "/jyj/uploads/2022/03/"
    scores, health, review, notice = (
        "2022年教师招聘考试成绩.xlsx", "体检须知.docx", "资格复审表.wps", "招聘公告.ofd",
    )  # fmt: skip
    article = _article(
        "attachments", "003002", "关于公布2022年许昌市中小学教师招聘考试成绩的公告",
        "2022-03-02 14:06:00",
        (Body((
            paragraph("根据《许昌市2022年公开招聘中小学教师公告》，现将考试成绩予以公布。"),
            paragraph("请进入资格复审的人员按时参加资格复审，逾期视为自动放弃。"),
            document_line("附件：1.", scores, href("../../uploads/2022/03/" + scores)),
            document_line("2.", health, href(uploads + health)),
            signature("许昌市教育局"),
        )),),
        date_style="cn_minute", source="市教育局人事科", template="new-h1", encoding="gbk-lying",
        attachments=tuple((uploads + name, name) for name in (scores, health, review, notice)),
        labels=("信息来源", "信息时间", "："),
    )  # fmt: skip
    site.add_page("15 attachments", article, key="attachments")
    # Real files for three of them (the WPS stays a stand-in, which no reader can read); the
    # DOCX's 页眉 and 表格单元 stand on no page of the site.
    for name, data in ((scores, "sample.xlsx"), (health, "sample.docx"), (notice, "sample.ofd")):
        site.serve(uploads + name, real_document(data))


def _robots_disallowed(site: Site) -> None:
    # Case 16: an entry under /jyj/private/, which robots.txt disallows; served all the same.
    article = _article(
        "private", "003001", "许昌市教育局内部工作简报（第3期）", "2022-02-28 09:00:00",
        (prose("本期简报刊登全市教育系统近期重点工作进展情况。"),),
        date_style="dash_minute", source="许昌市教育局办公室", template="old", encoding="utf-8",
    )  # fmt: skip
    path = f"/jyj/private/{article.list_date:%Y%m%d}/{article.path.rsplit('/', 1)[1]}"
    article = replace(article, path=path)
    site.serve_article(article)
    site.add_listing(Listing("003001", path, article.title, article.list_date))
    site.failure_records.append(FailureRecord("16 disallowed by robots.txt", path, "robots"))


def _broken_template(site: Site) -> None:
    # Case 17: no title anywhere (a cut list text without a title attribute, none on the page)
    # and an empty body.
    day = date(2022, 3, 9)
    path = _failing_entry(
        site, "17 no title anywhere, empty body", "parse", "003004", "broken",
        "鄢陵县教育局关于进一步加强中小学生作业管理工作的实施意见", day, title_attribute=False,
    )  # fmt: skip
    reply = templates.html_reply(templates.broken_page("003004", "鄢陵县教育局", day), "utf-8")
    site.serve(path, lambda _: reply)


def _markup_showcase(site: Site) -> None:
    # Every body markup the paragraph rules name, in one page.
    body = Body((
        style(),
        paragraph("各县（市、区）教育局，市直各学校：", indent=""),
        paragraph("为做好2022年全市中小学招生入学工作，现将有关事项通知如下，"
                  "请结合实际认真贯彻落实。", indent=NBSP_INDENT),
        blank(),
        heading("一、工作原则"),
        paragraph("坚持公平公正、免试就近入学，\u3000全面落实“双减”要求。", wrapper="font"),
        inline_runs(["严格执行", "“十项严禁”", "招生纪律，不得以任何形式举办", "选拔性考试", "。"]),
        paragraph("民办学校招生纳入审批地统一管理。", indent="    ", wrapper="font+span"),
        heading("二、时间安排"),
        lines(["7月1日至7月10日：网上报名；", "7月11日至7月20日：资格审核；",
               "7月25日前：公布录取结果。"]),
        lines(["城区学校由市教育局统一公布招生范围。", "县（市）学校由各县（市）教育局公布。"],
              "div"),
        nbsp_spaced(["咨询电话：", "0374-2961234", "0374-2961235"]),
        nested("各学校要做好以下工作：", ["（一）及时公布招生简章；", "（二）设立招生咨询电话；"],
               "确保招生工作平稳有序。"),
        heading("三、招生计划"),
        table(["序号", "学校", "备注", "计划数"],
              [["1", "许昌市第一中学", "", "600"], ["2", "许昌高级中学", "含特长生", "550"],
               ["3", "许昌市实验中学", "", ""]]),
        script(),
        link_paragraph("政策咨询详见", "河南省教育厅网站", "http://jyt.henan.gov.cn/",
                       "招生专栏。"),
        paragraph("附件：许昌市2022年中小学招生计划表", indent="", wrapper="span"),
        blank(),
        signature("许昌市教育局"),
        signature("2022年2月14日"),
    ))  # fmt: skip
    article = _article(
        "markup", "003003", "【通知】关于印发《许昌市2022年中小学招生入学工作方案》的通知",
        "2022-02-14 10:30:00", (body,),
        date_style="dash_minute", source="市教育局基础教育科", template="old", encoding="gbk",
    )  # fmt: skip
    site.add_page("body markup showcase", article, key="markup")
