"""The Changge city education bureau (长葛市教育局): a TRS WCM site, the worked example of a profile."""

from xcedu_crawler.extract.sites import SCRIPT_PAGER, SiteProfile

PROFILE = SiteProfile(
    name="changge",
    # Not checked against the live site (no build machine reaches it): point XCEDU_BASE_URL
    # or -a start_urls at the real host.
    base_url="http://jyj.changge.gov.cn",
    column_paths=(
        "/gzdt/index.html",  # 工作动态
        "/tzgg/index.html",  # 通知公告
        "/zcwj/list.shtml",  # 政策文件
    ),
    column_name=(".position a:last-of-type::text",),
    list_entry="ul.list > li",
    # index.html, index_1.html, …: the pager is only a createPageHTML(…) script call.
    list_family=SCRIPT_PAGER,
    title=("h2.title",),
    body=(".TRS_Editor", ".TRS_UEDITOR"),
    info_bar=("div.info",),
    attachment_areas=("div.attach",),
)
