"""The `xcedu` group: help and version without importing the subcommands, lazy imports, errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_archive import make
from xcedu_crawler import cli
from xcedu_crawler.archive import Archive


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def loaded_after(argv: list[str], *prefixes: str,
                 block: str | None = None) -> subprocess.CompletedProcess:
    """Runs `xcedu ARGV` in a fresh interpreter (with BLOCK made unimportable), then prints
    the loaded modules whose names start with one of PREFIXES."""
    blocking = f"sys.modules[{block!r}] = None; " if block else ""
    return python(
        f"import sys; {blocking}from xcedu_crawler import cli; code = cli.main({argv!r}); "
        f"print(sorted(m for m in sys.modules if m.startswith({prefixes!r}))); sys.exit(code)"
    )


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "x.db"
    with Archive.open(path) as archive:
        archive.store(make(paragraphs=["关于双减工作的通知"]))
    return path


def test_help_lists_every_subcommand_with_its_summary_and_imports_none(tmp_path):
    done = loaded_after(["--help"], "xcedu_crawler.commands.", "scrapy")
    assert done.returncode == 0, done.stderr
    *help_lines, loaded = done.stdout.splitlines()
    help_text = " ".join(" ".join(help_lines).split())  # as one line: click wraps the summaries
    for name, (_, summary) in cli.SUBCOMMANDS.items():
        assert f"{name} {summary}" in help_text
    assert loaded == "['xcedu_crawler.commands.common']"


@pytest.mark.parametrize("argv", [["search", "双减"], ["stats"], ["export", "--format", "jsonl"]])
def test_a_research_command_does_not_load_scrapy(db_path, argv):
    done = loaded_after([*argv, "--db", str(db_path)], "scrapy", "twisted", "xcedu_crawler.crawl")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_serve_without_datasette_says_so_in_one_line(db_path):
    done = loaded_after(["serve", "--db", str(db_path)], "datasette", block="datasette")
    assert done.returncode == 1
    assert done.stderr == "xcedu serve: Datasette is not installed: pip install -e '.[browse]'\n"


def test_demo_without_the_replica_says_how_to_get_it(tmp_path):
    done = loaded_after(["demo", "--db", str(tmp_path / "demo.db")], "xcedu_replica", block="xcedu_replica")
    assert done.returncode == 1
    assert done.stderr == ("xcedu demo: the local replica is not installed; from a checkout of the "
                           "project: pip install -e ./replica\n")


def test_no_subcommand_shows_the_help():
    done = python("import sys; from xcedu_crawler import cli; sys.exit(cli.main([]))")
    assert done.returncode == 0 and "Commands:" in done.stdout and "search" in done.stdout


def test_a_bug_is_a_traceback_not_a_one_line_error(monkeypatch, db_path):
    # A ValueError from a bug, unlike a bad query (QueryError, a ValueError too), is not
    # turned into an exit code: it would hide the bug.
    def broken(*args, **kwargs):
        raise ValueError("a bug")
    monkeypatch.setattr(Archive, "search", broken)
    with pytest.raises(ValueError, match="a bug"):
        cli.main(["search", "双减", "--db", str(db_path)])


def test_a_bug_in_a_subprocess_shows_its_traceback(db_path):
    done = python(
        "import sys; from xcedu_crawler import cli; from xcedu_crawler.archive import Archive; "
        "Archive.stats = lambda self: 1 / 0; "
        f"sys.exit(cli.main(['stats', '--db', {str(db_path)!r}]))"
    )
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ZeroDivisionError" in done.stderr


def test_what_crawls_and_the_demo_leave_in_data_is_ignored_by_git():
    from xcedu_crawler.commands.common import files_dir_beside
    from xcedu_crawler.commands.demo import DEFAULT_DEMO_DB
    from xcedu_crawler.settings import XCEDU_DB

    root = Path(__file__).parents[1]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    left = [XCEDU_DB, f"{XCEDU_DB}-wal", f"{XCEDU_DB}.lock", f"{XCEDU_DB}.reserve",
            f"{Path(XCEDU_DB).parent}/logs/crawl.log", f"{files_dir_beside(XCEDU_DB)}/a.pdf",
            DEFAULT_DEMO_DB, f"{files_dir_beside(DEFAULT_DEMO_DB)}/a.pdf", "data/demo-files/a.pdf"]
    done = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], input="\n".join(left),
                          capture_output=True, text=True, cwd=root, timeout=60)
    assert done.stdout.split() == left
