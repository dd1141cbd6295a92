"""Scrapy settings for xcedu-crawler: polite defaults, the pipelines and the XCEDU_* options."""

import os

from xcedu_crawler.extract import urls

BOT_NAME = "xcedu_crawler"
SPIDER_MODULES = ["xcedu_crawler.crawl.spiders"]
NEWSPIDER_MODULE = "xcedu_crawler.crawl.spiders"
# `scrapy crawl` exits with the run's status, as `xcedu crawl` does.
COMMANDS_MODULE = "xcedu_crawler.crawl.scrapy_commands"

# Which site profile to crawl (xcedu_crawler/extract/sites/NAME.py) and, to point it at a mirror or
# a replica, another base URL for the profile's column paths.
XCEDU_SITE = "xuchang"
XCEDU_BASE_URL = ""
# The archive ($XCEDU_DB, as for every xcedu command), and the folder for downloaded files.
XCEDU_DB = os.environ.get("XCEDU_DB") or "data/xcedu.db"
XCEDU_FILES_DIR = "data/files"
# Also download the images in announcement bodies (attachments always are).
XCEDU_DOWNLOAD_IMAGES = False
# Query keys that only track where a visitor came from; dropped from canonical URLs.
XCEDU_TRACKING_KEYS = list(urls.TRACKING_KEYS_DEFAULT)

# Politeness towards a small government server.
USER_AGENT = "xcedu-crawler/0.1 (education announcement archive; polite, obeys robots.txt)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_TIMES = 2
DOWNLOAD_TIMEOUT = 60
# Scrapy starts this many asyncio tasks for the output of every callback, however little it
# yields (one item, or a list page's item and its 10 to 20 requests): at Scrapy's 100 that
# was about 1 ms of CPU a page, a quarter of the crawl's (benchmarks/crawl_cost.py).
CONCURRENT_ITEMS = 16
# Attachments: larger and slower than pages, but bounded; a stalled one is tried twice at most.
XCEDU_FILE_MAXSIZE = 200 * 1024 * 1024
XCEDU_FILE_WARNSIZE = 50 * 1024 * 1024
XCEDU_FILE_TIMEOUT = 300.0
XCEDU_FILE_RETRY_TIMES = 1
# Read scanned pages and images by OCR when their text is extracted (slow: about a second a
# page; needs the `ocr` extra). Off: they are recorded with status needs_ocr.
XCEDU_OCR = False

# The archive commits what the crawl stored every XCEDU_STORE_BATCH items or
# XCEDU_STORE_BATCH_SECONDS seconds, whichever comes first, rather than every announcement:
# a run killed meanwhile loses at most that much, which the next run (catch-up) fetches again.
XCEDU_STORE_BATCH = 100
XCEDU_STORE_BATCH_SECONDS = 2.0

# A column's pager is followed this far at most; a pager that goes on (or repeats its
# entries) is stopped and the run is `partial`.
XCEDU_MAX_LIST_PAGES = 1000

# Anti-crawler challenges (HTTP 412/521 script pages): each doubles the host's delay (to at
# least XCEDU_CHALLENGE_DELAY seconds); this many in a row and the host is not asked again.
XCEDU_CHALLENGE_LIMIT = 3
XCEDU_CHALLENGE_DELAY = 10.0

# Ask for list and detail pages with the validators (ETag, Last-Modified) of their last fetch,
# so that an unchanged page is answered 304, headers only (crawl/conditional.py).
XCEDU_CONDITIONAL_GET = True

DOWNLOADER_MIDDLEWARES = {
    # First, so that every middleware and the downloader see the request's slot.
    "xcedu_crawler.crawl.middlewares.HostSlotMiddleware": 50,
    # Above HttpCompressionMiddleware (590) so that it sees the compressed bytes.
    "xcedu_crawler.crawl.middlewares.CompleteBodyMiddleware": 595,
    # Below it, so that it sees decompressed bytes.
    "xcedu_crawler.crawl.middlewares.CharsetMiddleware": 580,
    # In place of Scrapy's: loops and off-site redirects of pages are failures.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "xcedu_crawler.crawl.middlewares.SiteRedirectMiddleware": 600,
    # Above RetryMiddleware (550) so that a challenge is never retried.
    "xcedu_crawler.crawl.middlewares.ChallengeMiddleware": 560,
    # Before DownloaderStats (850) sees a request, so that the bytes it counts include the validators.
    "xcedu_crawler.crawl.conditional.ConditionalGetMiddleware": 800,
}
SPIDER_MIDDLEWARES = {
    # Nearest the spider, so that it sees a callback's exception first.
    "xcedu_crawler.crawl.middlewares.CallbackFailureMiddleware": 950,
}
ITEM_PIPELINES = {
    "xcedu_crawler.crawl.pipelines.NormalizePipeline": 300,
    "xcedu_crawler.crawl.files.ArchiveFilesPipeline": 500,
    "xcedu_crawler.crawl.pipelines.StorePipeline": 800,
}

EXTENSIONS = {
    # The archive's one owner for the crawl: lock, run row, plan, outcome.
    "xcedu_crawler.crawl.run.ArchiveRun": 0,
    # After ArchiveRun, so that the plan it reads at the spider's opening is frozen too.
    "xcedu_crawler.crawl.garbage.GarbageCollection": 10,
    "xcedu_crawler.crawl.progress.TerminalProgress": 500,
}
# A progress line on stderr, redrawn every XCEDU_PROGRESS_INTERVAL seconds: `xcedu crawl`
# turns it on when stderr is a terminal (the log file gets Scrapy's line a minute either way).
XCEDU_PROGRESS = False
XCEDU_PROGRESS_INTERVAL = 2.0

# Both consoles can run code inside the crawler from another process; off unless asked for.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
