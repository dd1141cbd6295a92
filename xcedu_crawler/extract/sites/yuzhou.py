"""The Yuzhou city education bureau (禹州市教育局): a Hanweb JCMS site."""

from xcedu_crawler.extract.sites import DATASTORE, SiteProfile

PROFILE = SiteProfile(
    name="yuzhou",
    # Not checked against the live site (no build machine reaches it).
    base_url="http://jyj.yuzhou.gov.cn",
    column_paths=(
        "/col/col1271/index.html",  # 工作动态
        "/col/col1272/index.html",  # 通知公告
        "/col/col1273/index.html",  # 政策文件
    ),
    column_name=(".bt-position a:last-of-type::text",),
    # Entries are <li>s in the CDATA records of a <datastore>; later pages are POSTed
    # to dataproxy.jsp with the column page's ajaxParam fields.
    list_family=DATASTORE,
    list_entry="li",
    title=("td.title",),
    body=("#zoom",),
    info_bar=("td.info",),
)
