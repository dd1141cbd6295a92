"""A deterministic local replica of the bureau's site, and the ground truth of a correct crawl of it."""

from xcedu_replica.build import build_site
from xcedu_replica.server import LOOPBACK_CRAWL_SETTINGS, ReplicaServer
from xcedu_replica.site import Site

__all__ = ["LOOPBACK_CRAWL_SETTINGS", "ReplicaServer", "Site", "build_site"]
