"""Run-health figures and the sharp-drop rule, table-driven."""

import pytest

from xcedu_crawler.crawl.health import assess, coverage_key, list_key, measure


def figures(pages=20, title=1.0, date=1.0, source=0.6, body=1.0, per_page=10.0, column="工作动态"):
    return {
        "coverage": {column: {"pages": pages, "title": title, "date": date, "source": source, "body": body}},
        "entries_per_list_page": {column: per_page},
    }


def test_measure_turns_counts_into_shares():
    stats = {
        coverage_key("工作动态", "pages"): 20, coverage_key("工作动态", "title"): 20,
        coverage_key("工作动态", "date"): 19, coverage_key("工作动态", "source"): 12,
        coverage_key("工作动态", "body"): 20,
        list_key("工作动态", "pages"): 3, list_key("工作动态", "entries"): 25,
        "downloader/request_count": 99,
    }
    assert measure(stats) == figures(date=0.95, source=0.6, per_page=8.33)


@pytest.mark.parametrize(
    ("current", "warning"),
    [
        (figures(), None),
        (figures(source=0.0), "source coverage in 工作动态 fell to 0% (usually 60%, 20 pages)"),
        (figures(body=0.1), "body coverage in 工作动态 fell to 10%"),
        # Too few pages to judge a template by.
        (figures(pages=3, source=0.0), None),
        # Lower, but not sharply.
        (figures(source=0.45), None),
        (figures(per_page=0.0), "list entries in 工作动态 fell to 0 a page (usually 10)"),
        # A column with no history is not judged.
        (figures(column="新栏目", source=0.0), None),
    ],
)
def test_a_sharp_drop_against_past_runs_warns(current, warning):
    previous = [figures(), figures(source=0.7), figures(source=0.5)]
    warnings = assess(current, previous)
    if warning is None:
        assert warnings == []
    else:
        [got] = warnings
        assert got.startswith(warning)


def test_no_history_no_warning():
    assert assess(figures(source=0.0, per_page=0), []) == []
