"""The labelled real pages: provenance, licence, labels, decoding, and what extraction finds."""

from __future__ import annotations

import re

import pytest

from benchmarks.real_pages import FIXTURES_DIR, generic_profile, load_pages, project_extract
from xcedu_crawler.extract.dates import parse_date
from xcedu_crawler.extract.encoding import choose_encoding
from xcedu_crawler.extract.text import normalize_space

PAGES = load_pages()
# Licences that let a page be copied into this repository.
REDISTRIBUTABLE = {
    "MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0",
}  # fmt: skip
PRECISIONS = {"day", "minute", "second"}


def test_the_set_is_there():
    assert PAGES, f"no labelled page in {FIXTURES_DIR}"
    assert {page.name for page in PAGES} == {path.stem for path in FIXTURES_DIR.glob("*.json")}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_origin_and_licence(page):
    origin = page.meta["origin"]
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", origin["repository"])
    assert origin["path"] and re.fullmatch(r"[0-9a-f]{40}", origin["commit"])
    assert origin["licence"] in REDISTRIBUTABLE
    assert origin["licence_file"]
    assert "url" in origin  # None when the repository does not say where the page was saved from
    assert "GeneralNewsExtractor" not in origin["repository"], "GNE's own test pages are left out"
    assert page.meta["site"]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_labels(page):
    labels = page.labels
    assert normalize_space(labels["title"]) == labels["title"] != ""
    published = labels["published"]
    assert published["precision"] in PRECISIONS
    parsed = parse_date(published["text"])
    assert parsed is not None and parsed.iso[:10] == published["iso"][:10]
    assert "source" in labels  # None when the page names none
    assert labels["body"] and all(normalize_space(p) == p != "" for p in labels["body"])


def test_the_readme_lists_every_page():
    readme = (FIXTURES_DIR / "README.md").read_text("utf-8")
    for page in PAGES:
        assert f"`{page.name}`" in readme
        assert page.meta["origin"]["repository"] in readme


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_bytes_decode_as_the_project_decodes_them(page):
    text = page.body.decode(choose_encoding(page.body, None))
    assert "\ufffd" not in text
    assert page.labels["body"][0] in normalize_space(text)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_the_extractor_finds_a_body(page):
    assert project_extract(page, generic_profile()).body


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_the_extractor_reads_title_day_and_source_as_labelled(page):
    # A regression guard at today's figures (README, Real pages): every page right.
    found = project_extract(page, generic_profile())
    labels = page.labels
    assert found.stored
    assert found.title == labels["title"]
    assert found.published[:10] == labels["published"]["iso"][:10]
    assert found.source == labels["source"]
