"""The command line: exit codes, the summary line, error output without tracebacks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SITE_YAML, MakeSite, item, run


def test_build_prints_one_summary_line(make_site: MakeSite) -> None:
    # Search off: the index is as many files as Pagefind makes (tests/search/test_search.py).
    no_search = {"site.yaml": SITE_YAML}
    root = make_site({**no_search, "content/a.md": item(), "content/b.md": item("B", draft="true")})
    code, out, err = run("build", "--site", str(root))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r"built 1 item in 1 edition, 2 tags: 33 files \(33 written, 0 unchanged, 0 removed\) "
        rf"into {re.escape(str(root))}/_site in \d+\.\d\d s; left out: 1 draft",
        lines[0],
    ), lines[0]


def test_quiet_prints_nothing_and_verbose_prints_stages(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML, "content/a.md": item()})
    assert run("build", "-q", "--site", str(root)) == (0, "", "")
    code, out, _ = run("build", "-v", "--clean", "--site", str(root))
    assert code == 0 and "parse" in out and "render" in out and "write" in out
    assert "0 of 1 items from the build cache, 33 pages rendered" in out
    code, out, _ = run("build", "-v", "--site", str(root))
    assert code == 0 and "1 of 1 items from the build cache, 0 pages rendered" in out


def test_errors_go_to_stderr_with_exit_status_1(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item(), "content/bad.md": "---\ntitle: x\n"})
    code, out, err = run("build", "--site", str(root))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{root}/content/bad.md:1:1: front matter is not closed: no second '---' line; "
        "add a line '---' after the last front-matter key",
        "1 error",
        f"build failed; the published site in {root}/_site was not changed",
    ]


def test_missing_site_yaml_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("build", "--site", str(tmp_path))
    assert code == 1
    assert err.startswith(f"no site.yaml in {tmp_path}; run the command inside a site folder")


def test_output_option_writes_elsewhere(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/a.md": item()})
    code, _, _ = run("build", "--site", str(root), "--output", str(tmp_path / "public"))
    assert code == 0 and (tmp_path / "public/index.html").is_file()
    assert not (root / "_site").exists()


@pytest.mark.slow
def test_the_console_script_and_python_m_work_without_traceback(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": "---\ntitle: x\ndate: nope\nsource: https://x.org/\n---\n"})
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build"], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("content/a.md:3:7: 'date' is not a date: 'nope'")


@pytest.mark.slow
@pytest.mark.parametrize("command", ["build", "check", "new", "serve"])
def test_help_explains_each_option_with_an_example(command: str) -> None:
    proc = subprocess.run(
        ["briefing", command, "--help"], capture_output=True, text=True, check=True
    )
    assert "example" in proc.stdout and f"briefing {command}" in proc.stdout.split("example")[1]
    for option in ("--site", "--quiet", "--verbose"):
        assert option in proc.stdout


@pytest.mark.slow
def test_every_command_is_listed_in_the_main_help() -> None:
    proc = subprocess.run(["briefing", "--help"], capture_output=True, text=True, check=True)
    for command in ("build", "check", "new", "serve"):
        assert f"    {command} " in proc.stdout


@pytest.mark.slow
def test_a_reader_that_leaves_early_gets_no_traceback(make_site: MakeSite) -> None:
    """`briefing build | head -1`: head exits after a line; the build must not complain."""
    root = make_site({"content/a.md": item(), "content/b.md": item("Later", "2030-01-01")})
    read, write = os.pipe()
    os.close(read)  # the reader has gone before a word is written
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(root)],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    os.close(write)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0
    assert (root / "_site/index.html").is_file()


# --site, checked before anything is written ------------------------------------


@pytest.mark.parametrize("command", ["build", "check", "serve", "email", "new"])
def test_a_mistyped_site_writes_nothing_and_says_so(tmp_path: Path, command: str) -> None:
    typo = tmp_path / "my-brefing"
    extra = ["A title"] if command == "new" else []
    code, _, err = run(command, "--site", str(typo), *extra)
    assert code == 1
    assert err.splitlines() == [
        f"{typo}: no such folder; pass --site the folder that holds site.yaml (or start a "
        f"site there with `briefing init {typo}`)",
        "1 error",
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_site_that_is_a_file_is_told_so(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    code, _, err = run("build", "--site", str(tmp_path / "site.yaml"))
    assert code == 1
    assert err.startswith(f"{tmp_path / 'site.yaml'}: is a file, not a folder; pass --site the")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.yaml"]


# The last resort: a bug in briefing is one line and a log, never a traceback ------


def test_an_unexpected_exception_is_one_line_with_a_log_and_status_70(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from generator.engine import build as build_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(build_module, "build", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    root = make_site({"content/a.md": item()})
    code, out, err = run("build", "--site", str(root))
    assert (code, out) == (70, "")
    (line,) = err.splitlines()
    (log,) = tmp_path.glob("briefing-error-*.log")
    assert line == (
        "internal error: ZeroDivisionError: a bug. This is a bug in briefing, not a problem "
        f"with your site; the details are in {log}. Please report it, with that file, at "
        "https://github.com/briefing-dev/briefing/issues"
    )
    assert "Traceback" not in err
    assert 'raise ZeroDivisionError("a bug")' in log.read_text(encoding="utf-8")
