"""``briefing init``: the new site, and the Pages workflow it writes.

The workflow must install exactly the briefing the editor ran, never a package by name:
`briefing` on PyPI is someone else's project. How briefing was installed is read from
its distribution's metadata (`direct_url.json`, PEP 610) as pip writes it; the tests
write such metadata into a folder put first on ``sys.path``, so the real lookup finds it.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, run, serve_pages

from generator.commands import provenance
from generator.commands.init import init_site, workflow
from generator.commands.provenance import DISTRIBUTION, Generator

COMMIT = "0123456789abcdef0123456789abcdef01234567"
NOW = datetime(2025, 7, 22, 9, 0, tzinfo=UTC)


def installed_as(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any] | None
) -> None:
    """Make briefing look installed as ``direct_url`` says (None: from an index by name)."""
    dist = tmp_path / "dist" / "briefing_ssg-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: 0.1.0\n")
    if direct_url is not None:
        (dist / "direct_url.json").write_text(json.dumps(direct_url))
    monkeypatch.syspath_prepend(str(dist.parent))


def init(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    return run("init", str(tmp_path / "site"), "--url", "https://desk.github.io/site/", *argv)


def workflow_of(site: Path) -> dict[str, Any]:
    text = (site / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def install_step(flow: dict[str, Any]) -> str:
    (step,) = [s for s in flow["jobs"]["build"]["steps"] if s.get("name") == "Install briefing"]
    command: str = step["run"]
    return command


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def checkout(folder: Path, remote: str) -> str:
    """A real Git checkout of briefing-like files with ``remote`` as origin; its commit."""
    folder.mkdir()
    git(folder, "init", "-q")
    git(folder, "config", "user.email", "t@example.org")
    git(folder, "config", "user.name", "T")
    (folder / "pyproject.toml").write_text("[project]\nname = 'briefing-ssg'\n")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "one")
    git(folder, "remote", "add", "origin", remote)
    return git(folder, "rev-parse", "HEAD")


# Where briefing came from -------------------------------------------------


@pytest.mark.parametrize(
    ("direct_url", "why"),
    [
        # pip install briefing-ssg from an index: no direct_url.json at all.
        (None, "it was not installed from a Git repository or a pinned archive"),
        # A wheel or sdist file on this machine: the runner has no such file.
        (
            {"url": "file:///home/me/briefing_ssg-0.1.0-py3-none-any.whl", "archive_info": {}},
            "it was not installed from a Git repository or a pinned archive",
        ),
        # A branch, not a commit: what it installs changes under the editor's feet.
        (
            {"url": "https://github.com/o/r", "vcs_info": {"vcs": "git", "commit_id": "main"}},
            "it was not installed from a Git repository or a pinned archive",
        ),
    ],
    ids=["from-an-index", "from-a-local-wheel", "unpinned"],
)
def test_init_that_cannot_tell_the_origin_fails_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any] | None, why: str
) -> None:
    installed_as(tmp_path, monkeypatch, direct_url)
    code, out, err = init(tmp_path)
    assert code == 1 and out == ""
    assert err == (
        f"cannot tell where this briefing came from ({why}), and the workflow must "
        "install exactly that generator, never a package by name; "
        f"{provenance.HOW}\n1 error\nnothing was written\n"
    )
    assert not (tmp_path / "site").exists()


def test_init_outside_any_git_repository_fails_and_says_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install of a copy with no Git (a tarball, say)."""
    copy = tmp_path / "briefing-copy"
    copy.mkdir()
    installed_as(tmp_path, monkeypatch, {"url": copy.as_uri(), "dir_info": {"editable": True}})
    code, _, err = init(tmp_path)
    assert code == 1
    assert f"({copy} is not a Git checkout with a remote named origin)" in err
    assert "pass --generator git+https://github.com/OWNER/REPO@COMMIT" in err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("direct_url", "requirement"),
    [
        (
            {"url": "https://github.com/o/r", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f'"briefing-ssg @ git+https://github.com/o/r@{COMMIT}"',
        ),
        # An SSH URL becomes https: a runner has no key, and the repository is public.
        (
            {
                "url": "ssh://git@github.com/o/r.git",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT},
            },
            f'"briefing-ssg @ git+https://github.com/o/r.git@{COMMIT}"',
        ),
        (
            {
                "url": "https://codeberg.org/o/r/archive/v1.tar.gz",
                "archive_info": {"hashes": {"sha256": "ab" * 32}},
            },
            f'"briefing-ssg @ https://codeberg.org/o/r/archive/v1.tar.gz#sha256={"ab" * 32}"',
        ),
    ],
    ids=["git", "git-over-ssh", "archive-with-hash"],
)
def test_the_workflow_installs_what_briefing_was_installed_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any], requirement: str
) -> None:
    installed_as(tmp_path, monkeypatch, direct_url)
    code, out, err = init(tmp_path)
    assert (code, err) == (0, "")
    assert (
        out
        == f"created a briefing in {tmp_path / 'site'}: cd {tmp_path / 'site'} && briefing serve\n"
    )
    assert install_step(workflow_of(tmp_path / "site")) == f"python -m pip install {requirement}"


@pytest.mark.slow
def test_an_editable_checkout_gives_its_remote_and_commit_and_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "briefing"
    commit = checkout(folder, "git@github.com:desk/briefing.git")
    (folder / "pyproject.toml").write_text("[project]\nname = 'changed'\n")
    installed_as(tmp_path, monkeypatch, {"url": folder.as_uri(), "dir_info": {"editable": True}})
    code, _, err = init(tmp_path)
    assert code == 0
    assert install_step(workflow_of(tmp_path / "site")) == (
        f'python -m pip install "briefing-ssg @ git+https://github.com/desk/briefing.git@{commit}"'
    )
    assert err == (
        f"warning: commit {commit[:12]} of {folder} is on no branch of its remote yet: push "
        "it before the workflow runs, or the install step will not find it\n"
        f"warning: {folder} has changes that are not committed: the workflow installs "
        f"commit {commit[:12]} without them\n"
    )


GITLAB = f"git+https://gitlab.com/g/sub/r.git@{'c' * 64}"  # SHA-256 repositories too


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (f"git+https://github.com/o/r@{COMMIT}", f'"briefing-ssg @ git+https://github.com/o/r@{COMMIT}"'),
        (GITLAB, f'"briefing-ssg @ {GITLAB}"'),
    ],
)  # fmt: skip
def test_generator_given_as_a_pinned_url(spec: str, expected: str) -> None:
    assert provenance.given(spec) == Generator(expected)


@pytest.mark.parametrize(
    ("spec", "folder"),
    [
        ("./vendor/briefing", "./vendor/briefing"),
        (".\\vendor\\briefing\\", "./vendor/briefing"),
        (".", "."),
    ],
)
def test_generator_given_as_a_folder_of_the_site(spec: str, folder: str) -> None:
    assert provenance.given(spec) == Generator(folder, in_site=True)


@pytest.mark.parametrize(
    "spec",
    [
        "briefing",  # a name (whatever an index holds under it), or a folder without ./
        "briefing-ssg==0.1.0",
        "git+https://github.com/o/r@main",  # a branch moves
        "git+https://github.com/o/r@0123456",  # an abbreviated commit can become ambiguous
        f"git+http://github.com/o/r@{COMMIT}",  # anyone on the way can change it
        f"git+ssh://git@github.com/o/r@{COMMIT}",  # a runner has no key
        "https://example.org/briefing.tar.gz",  # no hash
        "../briefing",  # outside the site
        "./../briefing",
        "vendor/briefing",
        "/opt/briefing",
        "./.git/briefing",
        "C:\\briefing",
        "",
    ],
)
def test_generator_given_refuses_anything_not_pinned_or_not_in_the_site(
    tmp_path: Path, spec: str
) -> None:
    code, out, err = init(tmp_path, "--generator", spec)
    assert (code, out) == (1, "")
    assert err.startswith(f"--generator {spec.strip()!r} is neither a Git URL pinned ")
    assert not (tmp_path / "site").exists()


def test_a_generator_folder_in_the_site_is_installed_from_there_with_submodules(
    tmp_path: Path,
) -> None:
    assert init(tmp_path, "--generator", "./briefing")[0] == 0
    flow = workflow_of(tmp_path / "site")
    assert install_step(flow) == "python -m pip install ./briefing"
    (checkout_step,) = [
        s
        for s in flow["jobs"]["build"]["steps"]
        if s.get("uses", "").startswith("actions/checkout")
    ]
    assert checkout_step["with"] == {"persist-credentials": False, "submodules": True}


def test_init_outside_a_github_clone_says_its_url_is_a_placeholder(tmp_path: Path) -> None:
    site = tmp_path / "morning-desk"
    code, out, err = run("init", str(site), "--generator", f"git+https://github.com/o/r@{COMMIT}")
    assert (code, out) == (0, f"created a briefing in {site}: cd {site} && briefing serve\n")
    assert err == (
        f"warning: {site / 'site.yaml'}:8:6: url is a placeholder "
        "(https://example.github.io/morning-desk/): set it to where the site will be published "
        "(the workflow's check fails until then)\n"
    )


@pytest.mark.slow
def test_init_in_a_github_clone_takes_the_pages_url_from_its_remote(tmp_path: Path) -> None:
    site = tmp_path / "morning"
    site.mkdir()
    git(site, "init", "-q")
    git(site, "remote", "add", "origin", "git@github.com:Desk/morning.git")
    code, _, err = run("init", str(site), "--generator", f"git+https://github.com/o/r@{COMMIT}")
    assert (code, err) == (0, "")
    assert "url: https://desk.github.io/morning/\n" in (site / "site.yaml").read_text()


# The workflow -------------------------------------------------------------------

#: The current major of each action, all on Node 24.
CURRENT = {
    "actions/cache/restore": "v6",
    "actions/cache/save": "v6",
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
}


@pytest.fixture
def flow(tmp_path: Path) -> dict[str, Any]:
    init_site(tmp_path / "site", NOW, provenance.given(f"git+https://github.com/o/r@{COMMIT}"))
    return workflow_of(tmp_path / "site")


def test_each_job_holds_only_the_permissions_it_needs(flow: dict[str, Any]) -> None:
    assert flow["permissions"] == {}
    assert flow["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert flow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_actions_are_current_and_the_token_is_not_left_in_the_checkout(
    flow: dict[str, Any],
) -> None:
    steps = [step for job in flow["jobs"].values() for step in job["steps"]]
    used = {
        step["uses"].split("@")[0]: step["uses"].split("@")[1] for step in steps if "uses" in step
    }
    assert used == CURRENT
    (checkout_step,) = [s for s in steps if s.get("uses", "").startswith("actions/checkout")]
    assert checkout_step["with"] == {"persist-credentials": False}


def test_the_upload_holds_well_known_but_not_the_output_manifest(flow: dict[str, Any]) -> None:
    steps = flow["jobs"]["build"]["steps"]
    names = [step.get("name") or step["uses"] for step in steps]
    upload = names.index("actions/upload-pages-artifact@v5")
    assert steps[upload]["with"] == {"path": "_site", "include-hidden-files": True}
    note = names.index("Note what this deploy holds")
    assert note < upload and "rm _site/.briefing-output.json" in steps[note]["run"]


def test_pip_cache_is_kept_between_runs(flow: dict[str, Any]) -> None:
    (setup,) = [s for s in flow["jobs"]["build"]["steps"] if "setup-python" in s.get("uses", "")]
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == ".github/workflows/pages.yml"


def test_the_repositorys_own_workflow_is_inits_for_a_generator_in_the_site() -> None:
    """One workflow to keep current: this repository's is what `init` writes for a site
    that holds briefing itself."""
    ours = (REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    assert ours == workflow(provenance.given("."))


def test_the_build_trusts_a_cache_only_with_the_deploys_secret(
    flow: dict[str, Any], tmp_path: Path
) -> None:
    """Without BRIEFING_CACHE_SECRET the build is clean and no cache is restored or kept;
    with it, the cache is restored before the build and saved after."""
    job = flow["jobs"]["build"]
    assert job["env"] == {"BRIEFING_CACHE_SECRET": "${{ secrets.BRIEFING_CACHE_SECRET }}"}
    steps = job["steps"]
    names = [step.get("name") for step in steps]
    restore, build, save = (
        names.index(n)
        for n in (
            "The last deploy's build cache",
            "Build",
            "Keep the build cache for the next deploy",
        )
    )
    assert names.index(None) < restore < build < save  # after the checkout
    for step in (steps[restore], steps[save]):
        assert "env.BRIEFING_CACHE_SECRET != ''" in step["if"]
        assert step["with"]["path"] == ".briefing-cache"
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "briefing").write_text('#!/bin/sh\necho "$@" > "$RUNNER_TEMP/args"\n')
    (fake / "briefing").chmod(0o755)
    path = f"{fake}:{os.environ['PATH']}"
    for secret, expected in (("", "build --clean --report"), ("s" * 64, "build --report")):
        run_step(steps[build]["run"], tmp_path, PATH=path, BRIEFING_CACHE_SECRET=secret)
        assert (tmp_path / "args").read_text().startswith(expected)


# The hourly run that finds nothing to publish -------------------------------------


def step_script(flow: dict[str, Any], name: str) -> str:
    (step,) = [s for s in flow["jobs"]["build"]["steps"] if s.get("name") == name]
    script: str = step["run"]
    return script


def run_step(script: str, folder: Path, **env: str) -> dict[str, str]:
    """Run a workflow step's script with bash as a runner would; its outputs."""
    output = folder / "github-output"
    output.write_text("")
    subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=folder,
        check=True,
        capture_output=True,
        env={**os.environ, "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(folder), **env},
    )
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("event", "deployed", "build"),
    [
        ("push", f"{COMMIT} 1", "true"),
        ("workflow_dispatch", f"{COMMIT} none", "true"),
        ("schedule", None, "true"),  # no deploy on record (or its record was evicted)
        ("schedule", f"{COMMIT} none", "false"),  # nothing scheduled
        ("schedule", f"{COMMIT} 99999999999", "false"),  # the next item is not due yet
        ("schedule", f"{COMMIT} 1", "true"),  # an item has fallen due since
        ("schedule", f"{'f' * 40} none", "true"),  # the last deploy was of another commit
    ],
)
def test_an_hourly_run_builds_only_when_something_fell_due_or_changed(
    flow: dict[str, Any], tmp_path: Path, event: str, deployed: str | None, build: str
) -> None:
    if deployed is not None:
        (tmp_path / ".briefing-deployed").write_text(deployed + "\n")
    outputs = run_step(
        step_script(flow, "Anything to publish?"),
        tmp_path,
        GITHUB_EVENT_NAME=event,
        GITHUB_SHA=COMMIT,
    )
    assert outputs == {"build": build}


@pytest.mark.slow
def test_a_deploy_notes_its_commit_and_when_the_next_item_falls_due(
    flow: dict[str, Any], tmp_path: Path
) -> None:
    """The step reads a real build's report, as the workflow's build writes it."""
    site = tmp_path / "site"
    (site / "content/2025-07-23-later.md").write_text(
        "---\ntitle: Later\ndate: 2025-07-23T06:00:00+00:00\nsource: https://apnews.com/x\n---\nText.\n"
    )
    code, _, err = run(
        "build", "--site", str(site), "--now", "2025-07-22T12:00:00+00:00",
        "--report", str(tmp_path / "build.json"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    outputs = run_step(
        step_script(flow, "Note what this deploy holds"),
        site,
        GITHUB_SHA=COMMIT,
        RUNNER_TEMP=str(tmp_path),
    )
    due = int(datetime(2025, 7, 23, 6, 0, tzinfo=UTC).timestamp())
    assert outputs == {"deployed": f"{COMMIT} {due}"}
    assert not (site / "_site/.briefing-output.json").exists()
    assert (site / "_site/index.html").exists()


# Telling the WebSub hub ---------------------------------------------------------


class _Hub(http.server.BaseHTTPRequestHandler):
    """A WebSub hub that writes down each publish ping, or fails them all."""

    pings: list[dict[str, list[str]]]
    status = 204

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length", "0"))
        self.pings.append(urllib.parse.parse_qs(self.rfile.read(length).decode()))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def multiline_outputs(path: Path) -> dict[str, str]:
    """A step's outputs, `key=value` lines and `key<<END` blocks alike, as GitHub reads them."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text().splitlines())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<")[0]:
            key, end = line.split("<<", 1)
            outputs[key] = "\n".join(iter(lambda: next(lines), end))
        else:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs


@pytest.mark.slow
def test_after_a_deploy_the_websub_hub_hears_of_each_changed_feed(
    flow: dict[str, Any], tmp_path: Path
) -> None:
    """The two steps run as a runner runs them, with the real briefing, curl and cmp: the
    build step compares each feed with the one published (served over HTTP), and the
    deploy step pings a real hub for those that differ."""
    site, published = tmp_path / "site", tmp_path / "published"
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "briefing").write_text(f'#!/bin/sh\nexec {sys.executable} -m generator "$@"\n')
    (tools / "briefing").chmod(0o755)
    path = f"{tools}:{os.environ['PATH']}"
    with serve_pages(published, "/site/") as url:
        config = re.sub(r"(?m)^url: .*$", f"url: {url}", (site / "site.yaml").read_text())
        (site / "site.yaml").write_text(config + "websub: https://hub.example.org/\n")
        assert run("build", "--site", str(site))[0] == 0
        shutil.copytree(site / "_site", published / "site")
        (site / "content/2025-07-22-grain.md").write_text(
            "---\ntitle: Grain ships sail\ndate: 2025-07-22T08:00:00+03:00\ntags: [grain]\n"
            "source: https://apnews.com/grain\n---\nThree ships left Odesa.\n"
        )
        assert run("build", "--site", str(site))[0] == 0
        script = step_script(flow, "Feeds that changed, for the WebSub hub")
        run_step_raw(script, site, tmp_path, PATH=path)
    outputs = multiline_outputs(tmp_path / "github-output")
    assert outputs["hub"] == "https://hub.example.org/"
    feeds = [
        p for p in (site / "_site").rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json")
    ]
    changed = {
        url + p.relative_to(site / "_site").as_posix()
        for p in feeds
        if not (published / "site" / p.relative_to(site / "_site")).is_file()
        or (published / "site" / p.relative_to(site / "_site")).read_bytes() != p.read_bytes()
    }
    assert changed and len(changed) < len(feeds)  # the new tag's feed, the site's, ...
    assert set(outputs["feeds"].splitlines()) == changed
    (deploy,) = [s for s in flow["jobs"]["deploy"]["steps"] if s.get("name", "").startswith("Tell")]
    assert deploy["continue-on-error"] is True
    for status in (204, 503):
        pings: list[dict[str, list[str]]] = []
        handler = type("Hub", (_Hub,), {"pings": pings, "status": status})
        hub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=hub.serve_forever, daemon=True).start()
        try:
            done = run_step_raw(deploy["run"], tmp_path, tmp_path, HUB=f"http://127.0.0.1:{hub.server_address[1]}/",
                                FEEDS=outputs["feeds"])  # fmt: skip
        finally:
            hub.shutdown()
            hub.server_close()
        assert {p["hub.url"][0] for p in pings} == changed
        assert all(p["hub.mode"] == ["publish"] for p in pings)
        # A hub that fails is a warning in the job, and the step still succeeds.
        assert ("::warning::the WebSub hub" in done.stdout) == (status == 503)


def run_step_raw(
    script: str, folder: Path, temp: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run a step's script with bash, its outputs left in ``temp/github-output``."""
    output = temp / "github-output"
    output.write_text("")
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=folder, check=True, capture_output=True, text=True,
        env={**os.environ, "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(temp), **env},
    )  # fmt: skip
