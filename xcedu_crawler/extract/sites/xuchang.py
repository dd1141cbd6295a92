"""The Xuchang education bureau (许昌市教育局): Epoint WebBuilder, the default profile."""

from xcedu_crawler.extract.sites import PAGER_LINKS, SiteProfile

PROFILE = SiteProfile(
    name="xuchang",
    base_url="http://jyj.xuchang.gov.cn",
    # The live category numbers could not be checked from here (no build machine reaches
    # the site): these follow the template's numbering. Change them here and nowhere else.
    column_paths=(
        "/jyj/003001/moreinfo.html",  # 工作动态
        "/jyj/003002/moreinfo.html",  # 通知公告
        "/jyj/003003/moreinfo.html",  # 政策法规
        "/jyj/003004/moreinfo.html",  # 县区动态
    ),
    column_name=(
        ".ewb-column-title::text",
        ".ewb-location a:last-of-type::text",
    ),
    list_entry="li.ewb-list-node",
    list_family=PAGER_LINKS,
    entry_date=".ewb-list-date",
    title=(
        "#tdTitle",
        "h1.ewb-article-title",
        "div.ewb-article-title",
        ".ewb-article-tt",
    ),
    body=("#TDContent", "#mainContent", ".ewb-article-info"),
    info_bar=("font.webfont", ".ewb-article-sources", ".ewb-article-info-bar"),
    source=("#infoSource",),
    attachment_areas=("#TDContent", "#mainContent", ".ewb-article-info", ".ewb-attach",
                      ".ewb-article-attach"),
    article_pager=(".ewb-article-page",),
)
