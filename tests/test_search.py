"""Search, export, stats and Datasette on an archive crawled from the replica."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shlex
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from scrapy.utils.defer import deferred_f_from_coro_f

from tests.conftest import crawled_by_xcedu
from tests.test_archive import make
from xcedu_crawler import cli
from xcedu_crawler.archive import Archive
from xcedu_crawler.archive.schema import TABLES
from xcedu_crawler.archive.search import search_key
from xcedu_crawler.commands import search
from xcedu_crawler.commands.common import JSON_COLUMNS, display_time

README = Path(__file__).parents[1] / "README.md"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return crawled_by_xcedu(tmp_path_factory.mktemp("search") / "xcedu.db")


@pytest.fixture(scope="module")
def columns(db_path):
    archive = Archive.open(db_path)
    try:
        return {table: archive.columns(table) for table in ("announcements", "attachments")}
    finally:
        archive.close()


@pytest.fixture(scope="module")
def rows(db_path):
    archive = Archive.open(db_path)
    try:
        return list(archive.db["announcements"].rows_where(order_by="id"))
    finally:
        archive.close()


def run(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def containing(rows, *terms, attachment_texts=None) -> set[int]:
    """The ids of announcements whose title, body or source hold every term, or (with
    ATTACHMENT_TEXTS, id -> texts) one of whose attachments' text does: the truth."""
    def texts(row):
        own = " ".join(row[c] or "" for c in ("title", "body", "source"))
        return [unicodedata.normalize("NFKC", text)
                for text in (own, *(attachment_texts or {}).get(row["id"], ()))]
    return {row["id"] for row in rows
            if any(all(term in text for term in terms) for text in texts(row))}


@pytest.fixture(scope="module")
def found(db_path, rows):
    """The truth for `xcedu search`: announcements by their own text or an attachment's."""
    archive = Archive.open(db_path)
    try:
        attachment_texts = {}
        for announcement_id, text in archive.db.execute(
                "SELECT t.announcement_id, x.text FROM attachments t "
                "JOIN file_texts x ON x.sha256 = t.sha256"):
            attachment_texts.setdefault(announcement_id, []).append(text)
    finally:
        archive.close()
    assert attachment_texts, "the replica serves real attachments"
    return lambda *terms: containing(rows, *terms, attachment_texts=attachment_texts)


def search_ids(capsys, db_path, *args) -> list[int]:
    code, out, err = run(capsys, "search", *args, "--db", str(db_path), "--format", "json", "--limit", "1000")
    assert code == 0, err
    return [row["id"] for row in json.loads(out)]


@pytest.mark.parametrize("term", ["双", "减", "双减", "招生", "中招", "教育工作", "学前教育", "2022年"])
def test_search_recall_is_exact_for_terms_of_any_length(capsys, db_path, term, found):
    expected = found(term)
    assert expected, f"the replica should hold {term}"
    assert set(search_ids(capsys, db_path, term)) == expected


def test_words_are_anded_and_a_quoted_phrase_must_stand_together(capsys, db_path, found):
    assert set(search_ids(capsys, db_path, "双减 课后服务")) == found("双减", "课后服务")
    together = set(search_ids(capsys, db_path, '"招生工作"'))
    assert together == found("招生工作")
    assert together < set(search_ids(capsys, db_path, "招生 工作"))


def test_fts_syntax_in_a_query_is_text_not_an_operator(capsys, db_path):
    code, _, err = run(capsys, "search", 'NEAR(双减 "', "--db", str(db_path))
    assert code == 0, err


def test_a_title_match_ranks_first(capsys, db_path, rows):
    ids = search_ids(capsys, db_path, "双减")
    titled = {row["id"] for row in rows if "双减" in row["title"]}
    assert titled and set(ids[: len(titled)]) == titled


def newest_first(rows) -> list[int]:
    """Ids of ROWS newest published first (undated last), a tie by the later id."""
    return [row["id"] for row in sorted(rows, key=lambda row: (row["published_at"] or "", row["id"]),
                                        reverse=True)]


def own_text_holds(row, *terms) -> bool:
    own = unicodedata.normalize("NFKC", " ".join(row[c] or "" for c in ("title", "body", "source")))
    return all(term in own for term in terms)


@pytest.mark.parametrize("terms", [("招生",), ("教育",), ("双减", "课后服务"), ("录取批次",)])
def test_the_default_order_is_title_matches_then_the_rest_then_attachments_each_newest_first(
        capsys, db_path, rows, found, terms):
    matching = [row for row in rows if row["id"] in found(*terms)]
    in_title = [row for row in matching if all(term in row["title"] for term in terms)]
    in_text = [row for row in matching if row not in in_title and own_text_holds(row, *terms)]
    in_attachment = [row for row in matching if row not in in_title and row not in in_text]
    assert matching
    assert search_ids(capsys, db_path, " ".join(terms)) == (
        newest_first(in_title) + newest_first(in_text) + newest_first(in_attachment))


def test_date_order_is_newest_first_over_own_text_and_attachments_alike(capsys, db_path, rows, found):
    expected = newest_first(row for row in rows if row["id"] in found("录取"))
    assert search_ids(capsys, db_path, "录取", "--order", "date") == expected


def test_bm25_order_ranks_own_text_by_score_then_attachments(capsys, db_path, rows, found):
    code, out, err = run(capsys, "search", "招生", "--db", str(db_path), "--order", "bm25",
                         "--format", "json", "--limit", "1000")
    assert code == 0, err
    results = json.loads(out)
    assert {row["id"] for row in results} == found("招生")
    own = [row for row in results if row["attachment"] is None]
    assert results[: len(own)] == own and [row["score"] for row in own] == sorted(row["score"] for row in own)
    titled = {row["id"] for row in rows if "招生" in row["title"]}
    assert titled and {row["id"] for row in own[: len(titled)]} == titled


@pytest.mark.parametrize("order", ["relevance", "date", "bm25"])
def test_a_limit_applies_after_the_filters(capsys, db_path, rows, found, order):
    listed = {row["id"] for row in rows if "通知公告" in json.loads(row["columns"])}
    everything = search_ids(capsys, db_path, "教育", "--order", order)
    expected = [announcement_id for announcement_id in everything if announcement_id in listed][:3]
    assert len(expected) == 3
    assert search_ids(capsys, db_path, "教育", "--order", order, "--column", "通知公告")[:3] == expected
    code, out, _ = run(capsys, "search", "教育", "--db", str(db_path), "--order", order,
                       "--column", "通知公告", "--limit", "3", "--format", "json")
    assert code == 0 and [row["id"] for row in json.loads(out)] == expected


@pytest.mark.parametrize(
    ("option", "value", "keep"),
    [
        ("--column", "通知公告", lambda row: "通知公告" in json.loads(row["columns"])),
        ("--source", "教育局", lambda row: "教育局" in (row["source"] or "")),
        ("--since", "2022-02-01", lambda row: (row["published_at"] or "") >= "2022-02-01"),
        ("--until", "2022-01-31", lambda row: (row["published_at"] or "9") < "2022-02-01"),
    ],
)
def test_filters(capsys, db_path, rows, option, value, keep, found):
    expected = found("教育") & {row["id"] for row in rows if keep(row)}
    assert expected
    assert set(search_ids(capsys, db_path, "教育", option, value)) == expected


def test_table_output_shows_date_column_title_url_and_a_marked_snippet(capsys, db_path):
    code, out, _ = run(capsys, "search", "中招", "--db", str(db_path), "--limit", "3")
    assert code == 0
    header, rule, first, *_ = out.splitlines()
    assert header.split() == ["published_at", "columns", "title", "url", "attachment", "snippet"]
    assert "**中招**" in first and "http://127.0.0.1:" in first


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_search_formats_carry_the_archive_columns(capsys, db_path, columns, fmt):
    code, out, _ = run(capsys, "search", "招生", "--db", str(db_path), "--format", fmt, "--limit", "5")
    assert code == 0
    if fmt == "json":
        records = json.loads(out)
    elif fmt == "jsonl":
        records = [json.loads(line) for line in out.splitlines()]
    else:
        records = list(csv.DictReader(io.StringIO(out)))
    assert len(records) == 5
    added = {"score", "attachment", "attachment_url", "snippet"}
    assert set(columns["announcements"]) | added == set(records[0])
    assert all("**招生**" in r["snippet"] for r in records)


INTEGER_COLUMNS = {column.name for table in TABLES.values() for column in table
                   if column.type == "INTEGER"}


def read_back(text: str, fmt: str) -> list[dict]:
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if fmt == "json":
        return json.loads(text)
    # CSV has only text: an empty cell was NULL unless the column is never NULL (body is ""
    # for a file entry), the integer columns come back as integers.
    def typed(name, value):
        if value == "" and name != "body":
            return None
        return int(value) if name in INTEGER_COLUMNS else value
    return [{k: typed(k, v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]


def as_exported(row: dict, fmt: str) -> dict:
    if fmt == "csv":
        return row
    return {k: json.loads(v) if k in JSON_COLUMNS and v is not None else v for k, v in row.items()}


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_export_reads_back_equal(capsys, db_path, rows, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    code, _, err = run(capsys, "export", "--db", str(db_path), "--format", fmt, "--output", str(target))
    assert code == 0 and err == f"exported {len(rows)} announcements to {target}\n"
    exported = read_back(target.read_text(encoding="utf-8"), fmt)
    by_id = {row["id"]: row for row in rows}
    assert len(exported) == len(rows)
    for record in exported:
        assert record == as_exported(by_id[record["id"]], fmt)


def test_export_attachments_with_filters_to_stdout(capsys, db_path, columns):
    code, out, _ = run(capsys, "export", "--db", str(db_path), "--table", "attachments",
                       "--column", "通知公告", "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert records and set(records[0]) == set(columns["attachments"])
    archive = Archive.open(db_path)
    try:
        expected = archive.db.execute(
            "SELECT count(*) FROM attachments t JOIN announcements a ON a.id = t.announcement_id "
            "WHERE EXISTS (SELECT 1 FROM json_each(a.columns) WHERE value = '通知公告')").fetchone()[0]
    finally:
        archive.close()
    assert len(records) == expected


def test_export_to_a_reader_that_stops_early_is_not_an_error(db_path):
    # `xcedu export | head`: the pipe closes while the export still writes.
    with subprocess.Popen(
        [sys.executable, "-m", "xcedu_crawler.cli", "export", "--db", str(db_path), "--format", "jsonl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as export:
        assert export.stdout.read(100)
        export.stdout.close()
        assert export.wait(timeout=60) == 0
        assert export.stderr.read() == b""


def readme_search_examples() -> list[list[str]]:
    """The arguments of every `xcedu search` line in the README's research section."""
    section = README.read_text(encoding="utf-8").split("## Finding things", 1)[1].split("\n## ", 1)[0]
    return [shlex.split(line, comments=True)[2:] for line in section.splitlines()
            if line.startswith(".venv/bin/xcedu search ")]


def test_the_documented_search_examples_find_something_on_the_demo_site(capsys, db_path):
    examples = [[search.EXAMPLE_WORD], [search.EXAMPLE_WORDS], [search.EXAMPLE_PHRASE],
                *readme_search_examples()]
    assert len(examples) > 4 and ['"24 小时"'] in examples
    for argv in examples:
        # Everything up to a redirection; --format is the test's own.
        argv = argv[:argv.index(">")] if ">" in argv else argv
        if "--format" in argv:
            del argv[argv.index("--format"):argv.index("--format") + 2]
        assert search_ids(capsys, db_path, *argv), f"xcedu search {shlex.join(argv)} finds nothing"


def test_stats_count_per_column_per_month(capsys, db_path, rows):
    code, out, _ = run(capsys, "stats", "--db", str(db_path), "--format", "json")
    assert code == 0
    stats = json.loads(out)
    assert isinstance(stats, dict) and stats["total"] == len(rows)
    expected = {}
    for row in rows:
        for column in json.loads(row["columns"]):
            key = (column, row["published_at"][:7])
            expected[key] = expected.get(key, 0) + 1
    assert {(e["column"], e["month"]): e["count"] for e in stats["per_month"]} == expected
    assert stats["first"] == min(row["published_at"] for row in rows)
    code, table, _ = run(capsys, "stats", "--db", str(db_path))
    assert code == 0 and "2022-01" in table and "Top sources:" in table


MANY_WORDS = " ".join(f"词{number}" for number in range(33))


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["search", "双减", "--since", "2022-13-01"], 2, "not a date (YYYY-MM-DD): '2022-13-01'"),
        (["search", "双减", "--db", "/nonexistent/x.db"], 1, "no archive at /nonexistent/x.db"),
        (["export", "--db", "/nonexistent/x.db"], 1, "no archive at"),
        (["stats", "--db", "/nonexistent/x.db"], 1, "no archive at"),
        (["search", "   ", "--db", "DB"], 2, "has no word to look for"),
        (["search", "!!!", "--db", "DB"], 2, "has no word to look for"),
        (["search", "，。？", "--db", "DB"], 2, "has no word to look for"),
        (["search", MANY_WORDS, "--db", "DB"], 2, "has 33 different words; at most 32"),
        (["search", '"' + "教" * 1001 + '"', "--db", "DB"], 2, "1001 characters long together; at most 1000"),
        (["search", "双减", "--db", "DB", "--limit", "99999999999999999999"], 2,
         "Invalid value for '--limit': 99999999999999999999 is not in the range 1<=x<=100000"),
        (["search", "双减", "--db", "DB", "--limit", "-1"], 2, "-1 is not in the range 1<=x<=100000"),
        (["search", "双减", "--db", "DB", "--limit", "0"], 2, "0 is not in the range 1<=x<=100000"),
        (["search", "双减", "--db", "DB", "--limit", "ten"], 2, "'ten' is not a valid integer"),
        (["status", "--db", "DB", "--runs", "-1"], 2,
         "Invalid value for '--runs': -1 is not in the range 1<="),
        (["search", "--db", "DB"], 2, "Missing argument 'QUERY'"),
        (["search", "双减", "--db", "DB", "--format", "xml"], 2, "Invalid value for '--format'"),
        (["nonsense"], 2, "No such command 'nonsense'"),
        (["export", "--db", "DB", "-o", "/nonexistent/dir/x.csv"], 1,
         "cannot write /nonexistent/dir/x.csv: there is no folder /nonexistent/dir"),
    ],
)
def test_errors_are_one_clear_line(capsys, db_path, argv, code, message):
    argv = [str(db_path) if a == "DB" else a for a in argv]
    before = db_path.read_bytes()
    assert cli.main(argv) == code
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert db_path.read_bytes() == before


def test_a_repeated_word_is_searched_once_and_many_repeats_are_no_error(capsys, db_path, found):
    assert set(search_ids(capsys, db_path, " ".join(["双减"] * 1000))) == found("双减")


def test_a_word_of_punctuation_alone_is_left_out(capsys, db_path, found):
    assert set(search_ids(capsys, db_path, "双减 !!! ，。？")) == found("双减")


def test_source_matches_its_text_literally_not_as_a_pattern(capsys, db_path, rows, found):
    assert search_ids(capsys, db_path, "教育", "--source", "%") == []
    assert search_ids(capsys, db_path, "教育", "--source", "_") == []
    [source, *_] = sorted({row["source"] for row in rows if row["source"]})
    assert set(search_ids(capsys, db_path, "教育", "--source", source)) == {
        row["id"] for row in rows if source in (row["source"] or "")} & found("教育")


@pytest.mark.parametrize("name", sorted(cli.SUBCOMMANDS))
def test_every_command_has_help_with_an_example_and_its_exit_codes(capsys, name):
    assert cli.main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"Usage: xcedu {name} [OPTIONS]" in out
    assert "example: xcedu " + name in out and "exit status: 0 " in out


def test_the_index_follows_updates_and_rebuilds(tmp_path):
    archive = Archive.open(tmp_path / "x.db")
    try:
        archive.store(make(paragraphs=["关于中招政策的说明"]))
        assert [r["id"] for r in archive.search("中招")] == [1]
        archive.store(make(paragraphs=["关于学前教育的说明"], published_at="2023-05-06T08:00:00+08:00"))
        assert archive.search("中招") == [] and len(archive.search("学前", order="date")) == 1
        [row] = archive.db["announcements"].rows
        assert row["search_key"] == search_key("2023-05-06T08:00:00+08:00", 1)
        archive.db.execute("INSERT INTO announcements_fts(announcements_fts) VALUES ('delete-all')")
        assert archive.search("学前") == []
        assert archive.rebuild_search_index() == 1
        assert len(archive.search("学前")) == 1
    finally:
        archive.close()


@deferred_f_from_coro_f
async def test_datasette_search_box_finds_a_two_character_word_and_facets(db_path, rows, found):
    from datasette.app import Datasette

    from xcedu_crawler.browse import metadata

    datasette = Datasette([str(db_path)], metadata=metadata(db_path.stem))
    name = db_path.stem
    response = await datasette.client.get(f"/{name}/announcements.json?_search=双减&_shape=objects&_size=max")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["rows"]} == containing(rows, "双减")
    canned = await datasette.client.get(f"/{name}/search.json?q=中招&_shape=objects&_size=max")
    assert len(canned.json()["rows"]) == len(found("中招"))
    faceted = await datasette.client.get(f"/{name}/announcements.json?_facet=published_year&_size=0")
    years = {f["value"]: f["count"] for f in faceted.json()["facet_results"]["published_year"]["results"]}
    assert years == {"2022": sum(r["published_at"] >= "2022" for r in rows),
                     "2021": sum(r["published_at"] < "2022" for r in rows)}


# Characters for texts where near misses abound: a few Chinese characters, ASCII that
# makes `1=1`, and the punctuation and spaces a phrase must never bridge.
CHINESE, ASCII, BREAKS = "教育工作会议", "1=aA", "。，、！？；：（）“”—\n 　.,;-"


def punctuated(rng, length: int) -> str:
    """Runs of Chinese and ASCII with punctuation and spaces between."""
    return "".join(rng.choice(rng.choice((CHINESE, CHINESE, ASCII, BREAKS))) for _ in range(length))


def exact_truth(archive, terms) -> set[int]:
    """The ids whose title, body or source hold every term as a substring (NFKC, any case)."""
    def fields(row):
        return [unicodedata.normalize("NFKC", row[c] or "").lower() for c in ("title", "body", "source")]
    folded = [unicodedata.normalize("NFKC", term).lower() for term in terms]
    return {row["id"] for row in archive.db["announcements"].rows
            if all(any(term in text for text in fields(row)) for term in folded)}


def as_query(term: str) -> str:
    return f'"{term}"' if any(char.isspace() for char in term) else term


def test_a_phrase_matches_exactly_never_across_punctuation_or_fields(tmp_path):
    rng = random.Random(12)
    archive = Archive.open(tmp_path / "x.db")
    try:
        texts = []
        for number in range(600):
            title, source = punctuated(rng, rng.randint(4, 20)), punctuated(rng, rng.randint(0, 8))
            paragraphs = [punctuated(rng, rng.randint(5, 60)) for _ in range(rng.randint(1, 3))]
            archive.store(make(url=f"http://jyj.example.cn/{number}.html", title=title,
                               source=source or None, paragraphs=paragraphs))
            texts += [title, source, *paragraphs]
        # Pieces of the texts themselves (found somewhere), across a break or not, and pieces
        # joined from two texts (a phrase made across a boundary, found rarely if at all).
        pieces = [text[start : start + rng.randint(1, 6)]
                  for text in rng.sample(texts, 300) if text
                  for start in [rng.randrange(len(text))]]
        pieces += [a[-3:] + b[:3] for a, b in zip(rng.sample(texts, 200), rng.sample(texts, 200))]
        terms = [piece.strip() for piece in pieces if any(char.isalnum() for char in piece)]
        queries = [[term] for term in terms] + [rng.sample(terms, 2) for _ in range(100)]
        queries += [["教育工作会议"], ["1=1"], ["教育", "1=1"], ["A=a"]]
        found_some = 0
        for query_terms in queries:
            query = " ".join(as_query(term) for term in query_terms)
            expected = exact_truth(archive, query_terms)
            assert {row["id"] for row in archive.search(query, limit=10_000)} == expected, query
            assert archive.count(query=query) == len(expected), query
            found_some += bool(expected)
        assert found_some > len(queries) / 2 and len(queries) > 500
    finally:
        archive.close()


def test_a_phrase_never_bridges_a_sentence_end(tmp_path):
    archive = Archive.open(tmp_path / "x.db")
    try:
        archive.store(make(url="http://jyj.example.cn/1.html", title="部署", paragraphs=["部署教育工作。会议要求1，1"]))
        archive.store(make(url="http://jyj.example.cn/2.html", title="召开", paragraphs=["召开教育工作会议：1=1"]))
        assert [row["id"] for row in archive.search("教育工作会议")] == [2]
        assert [row["id"] for row in archive.search("1=1")] == [2]
        assert len(archive.search("教育工作")) == 2
    finally:
        archive.close()


@pytest.mark.parametrize(("word", "attachment", "title"), [
    ("录取批次", "2022年许昌市中招考试政策问答", "2022年许昌市中招考试政策问答"),
    ("表格单元", "体检须知.docx", "关于公布2022年许昌市中小学教师招聘考试成绩的公告"),
])
def test_a_word_only_inside_an_attachment_finds_the_announcement_and_names_the_file(
        capsys, db_path, rows, word, attachment, title):
    assert not containing(rows, word), "the word must stand on no page of the replica"
    code, out, _ = run(capsys, "search", word, "--db", str(db_path), "--format", "json")
    assert code == 0
    [hit] = json.loads(out)
    assert (hit["title"], hit["attachment"]) == (title, attachment)
    assert hit["attachment_url"].startswith("http://127.0.0.1:")
    assert f"**{word}**" in hit["snippet"]
    code, out, _ = run(capsys, "search", word, "--db", str(db_path))
    assert attachment in out.splitlines()[2] and f"**{word}**" in out.splitlines()[2]


def test_the_crawl_read_each_real_attachment_and_recorded_why_the_others_are_unread(db_path):
    archive = Archive.open(db_path)
    try:
        counts = archive.file_text_counts()
        [run_stats] = [json.loads(run["stats"]) for run in archive.db["crawl_runs"].rows]
    finally:
        archive.close()
    # The PDF, DOCX, XLSX and OFD are real; the replica's other files are stand-ins.
    assert counts["ok"] == 4 and counts.get("failed", 0) + counts.get("unsupported", 0) > 0
    prefix = "xcedu/file_texts/"
    assert {key: value for key, value in run_stats.items() if key.startswith(prefix)} == {
        f"{prefix}{status}": count for status, count in counts.items()}


def test_exported_attachments_carry_their_text(capsys, db_path):
    code, out, _ = run(capsys, "export", "--db", str(db_path), "--table", "attachments",
                       "--query", "表格单元", "--format", "jsonl")
    assert code == 0
    records = {r["name"]: r for r in map(json.loads, out.splitlines())}
    assert "表格单元" in records["体检须知.docx"]["text"]
    assert records["体检须知.docx"]["text_status"] == "ok"
    assert records["资格复审表.wps"]["text"] == "" and records["资格复审表.wps"]["text_status"] == "failed"


def test_dates_print_to_their_precision_in_every_command(capsys, db_path, rows):
    from xcedu_crawler.commands.demo import summary
    from xcedu_crawler.commands.status import report

    day = next(row for row in rows if row["published_precision"] == "day")
    minute = next(row for row in rows if row["published_precision"] == "minute")
    assert display_time(day["published_at"], "day") == day["published_at"][:10]
    assert (display_time(minute["published_at"], "minute")
            == minute["published_at"][:16].replace("T", " "))
    assert display_time("2026-12-04T04:24:18+00:00") == "2026-12-04 04:24:18"
    with Archive.open_for_reading(db_path) as archive:
        printed = summary(archive) + report(archive, runs=5)
    _, table, _ = run(capsys, "search", "招生", "--db", str(db_path), "--limit", "1000")
    _, stats, _ = run(capsys, "stats", "--db", str(db_path))
    assert "\n2022-" in table and "published 2021-" in stats
    for text in (printed, table, stats):
        assert not re.search(r"\d{4}-\d\d-\d\dT", text), text
    # A day-precision date stands alone in the demo's list of the newest.
    assert re.search(r"\n  \d{4}-\d\d-\d\d {11}", printed.split("Newest announcements:")[1])


def test_the_demo_prints_a_record_with_its_arrays_as_arrays(rows):
    from xcedu_crawler.commands.demo import record

    shown = record(rows[0])
    assert shown["columns"] == json.loads(rows[0]["columns"]) and isinstance(shown["columns"], list)
    assert shown["paragraphs"] == f"{len(json.loads(rows[0]['paragraphs']))} paragraphs"


def test_the_readme_s_own_sql_finds_what_search_finds(db_path, rows):
    from xcedu_crawler.browse import prepare_connection

    section = README.read_text(encoding="utf-8").split("every connection `xcedu_match(text)`", 1)[1]
    block = section.split("```sql\n", 1)[1].split("```", 1)[0]
    by_word, by_attachment = block.split("\n\n", 1)
    connection = sqlite3.connect(db_path)
    try:
        prepare_connection(connection)
        dates = [row[0] for row in connection.execute(by_word)]
        assert len(dates) == len(containing(rows, "双减")) and dates == sorted(dates, reverse=True)
        assert [row[0] for row in connection.execute(by_attachment)] == ["2022年许昌市中招考试政策问答"]
    finally:
        connection.close()


def archive_of_numbered_notices(count: int, path=":memory:") -> Archive:
    """COUNT announcements titled with their document number, dated at random, indexed as
    `xcedu reindex` does: in id order, which is not date order, in one transaction."""
    rng = random.Random(3)
    archive = Archive.open(path)
    archive.db.conn.executemany(
        "INSERT INTO announcements (id, url, kind, title, body, published_at, columns, content_hash, "
        "first_seen_at, last_seen_at) VALUES (?, ?, 'page', ?, ?, ?, '[]', ?, '', '')",
        [(n, f"http://a.example.cn/{n}.html", f"关于做好{rng.choice('招生安全教师')}工作的通知（第{n}号）",
          "各县（市、区）教育局：现将有关事项通知如下。",
          f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T09:00:00+08:00",
          f"{n:064x}") for n in range(1, count + 1)])
    archive.db.conn.commit()
    archive.rebuild_search_index()
    return archive


@pytest.mark.parametrize("order", ["relevance", "date"])
def test_newest_first_misses_no_match_of_an_index_built_out_of_date_order(order):
    # SQLite 3.40's FTS5, reading such an index newest first, missed a third of these.
    archive = archive_of_numbered_notices(20_000)
    try:
        for number in range(1, 20_000, 211):
            assert [row["id"] for row in archive.search(f"第{number}号", order=order)] == [number]
        starting_with_2 = sum(str(number).startswith("2") for number in range(1, 20_001))
        assert len(archive.search("第2", limit=100_000, order=order)) == starting_with_2
    finally:
        archive.close()


@pytest.mark.parametrize("order", ["relevance", "date", "bm25"])
def test_on_an_older_sqlite_newest_first_is_sorted_from_every_match_alike(
        capsys, db_path, monkeypatch, order):
    from xcedu_crawler.archive import queries

    read_from_the_index = search_ids(capsys, db_path, "教育", "--order", order)
    monkeypatch.setattr(queries, "NEWEST_FIRST_FROM_THE_INDEX", False)
    assert search_ids(capsys, db_path, "教育", "--order", order) == read_from_the_index
