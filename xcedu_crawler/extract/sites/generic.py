"""Any site, read by discovery alone: `-a site=generic -a start_urls=COLUMN_URL,...`."""

from xcedu_crawler.extract.sites import SiteProfile

# No columns of its own (they come from start_urls) and no selectors: every field is
# found on the page itself, and provenance says how.
PROFILE = SiteProfile(name="generic", base_url="", column_paths=())
