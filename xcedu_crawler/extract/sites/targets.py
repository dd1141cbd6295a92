"""Which sites a run crawls: profile names, `NAME=BASE_URL` pairs and bare column URLs, as sites."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xcedu_crawler.extract.sites import SiteProfile, get_profile
from xcedu_crawler.extract.urls import host_of


@dataclass(frozen=True)
class SiteTarget:
    """One site of a run: its profile, the list pages it starts from, and the hosts it owns."""

    name: str
    profile: SiteProfile
    column_urls: tuple[str, ...]

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(host_of(url) for url in self.column_urls)


def read_sites_file(path: str | Path) -> list[str]:
    """The site specs in a file: one per line, blank lines and `#` comments ignored."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [spec for line in lines if (spec := line.split("#", 1)[0].strip())]


def is_url(spec: str) -> bool:
    return "://" in spec.split("=", 1)[0]


def site_targets(specs: list[str], *, default_site: str, base_url: str | None = None,
                 start_urls: list[str] | tuple[str, ...] = ()) -> list[SiteTarget]:
    """The sites SPECS name, each spec a profile name, `NAME=BASE_URL`, or a column URL.

    One profile (or none: DEFAULT_SITE) is a single-site crawl as it has always been:
    START_URLS replace its columns, BASE_URL points them at a mirror. Several specs are one
    site each; column URLs are read by discovery alone, one site per host, named by the host.
    Raises ValueError for an unknown profile, a site named twice or a host two sites share.
    """
    if len(specs) <= 1 and not any(map(is_url, specs)):
        name, _, base = (specs[0] if specs else default_site).partition("=")
        profile = get_profile(name.strip())
        urls = start_urls or profile.column_urls(base.strip() or base_url or None)
        return [SiteTarget(profile.name, profile, tuple(urls))]
    if start_urls:
        raise ValueError("with several sites, give column URLs as sites of their own, not start_urls")
    targets, urls_by_host = [], {}
    for spec in specs:
        if is_url(spec):
            urls_by_host.setdefault(host_of(spec), []).append(spec)
        else:
            name, _, base = spec.partition("=")
            profile = get_profile(name.strip())
            targets.append(SiteTarget(profile.name, profile, tuple(profile.column_urls(base.strip() or None))))
    generic = get_profile("generic")
    targets += [SiteTarget(host, generic, tuple(urls)) for host, urls in urls_by_host.items()]
    names = [target.name for target in targets]
    if len(set(names)) != len(names):
        raise ValueError(f"a site is named twice: {', '.join(names)}")
    owners: dict[str, str] = {}
    for target in targets:
        for host in target.hosts:
            if owners.setdefault(host, target.name) != target.name:
                raise ValueError(f"sites {owners[host]} and {target.name} both live on {host}")
    return targets
