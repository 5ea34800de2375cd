"""machinekey: the secret that proves a cache was written here, and a planted cache
that the build discards. Real files, real SQLite, real builds."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import MakeSite, item, run

from generator.commands import provenance
from generator.commands.init import init_site
from generator.engine.stage import survey
from generator.machinekey import SECRET_NAME, NoSecret, Seal, load_secret


def test_the_secret_is_made_once_readable_by_its_user_alone(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "briefing"
    secret = load_secret(folder)
    assert len(secret) == 32 and load_secret(folder) == secret
    assert stat.S_IMODE((folder / SECRET_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == [SECRET_NAME]


def test_builds_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    found: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: found.append(load_secret(tmp_path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and len(set(found)) == 1


def test_a_secret_others_may_read_is_refused(tmp_path: Path) -> None:
    load_secret(tmp_path)
    (tmp_path / SECRET_NAME).chmod(0o644)
    with pytest.raises(NoSecret) as refused:
        load_secret(tmp_path)
    assert str(refused.value) == (
        f"the build cache's key {tmp_path / SECRET_NAME} may be read or changed by other "
        "users; delete it, and briefing makes a private one"
    )


def test_a_linked_secret_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").write_bytes(bytes(32))
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / SECRET_NAME).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(NoSecret, match="cannot keep the build cache's key"):
        load_secret(tmp_path / "dir")


def test_seals_differ_by_secret_kind_and_every_value() -> None:
    one, two = Seal(bytes(32)), Seal(bytes(31) + b"\1")
    mac = one.mac("parsed", "k", "record", None)
    assert one.valid(mac, "parsed", "k", "record", None)
    assert not two.valid(mac, "parsed", "k", "record", None)
    assert not one.valid(mac, "seen", "k", "record", None)
    assert not one.valid(mac, "parsed", "k", "record", "")
    assert not one.valid(mac, "parsed", "k", "recor", "d")  # values cannot shift
    assert not one.valid(mac.hex(), "parsed", "k", "record", None)


def plant_script(cache: Path, secret_dir: Path) -> None:
    """What a hostile contributor commits: the cache of their own machine, its HTML
    changed and sealed again under their own secret."""
    seal = Seal((secret_dir / SECRET_NAME).read_bytes())
    with closing(sqlite3.connect(cache / "items.sqlite")) as db, db:
        rows = db.execute("SELECT key, record, html FROM parsed").fetchall()
        assert rows, "the first build cached nothing"
        for key, record, html in rows:
            html = html.replace("<p>", "<p><script>alert(document.cookie)</script>", 1)
            db.execute(
                "UPDATE parsed SET html = ?, mac = ? WHERE key = ?",
                (html, seal.mac("parsed", key, record, html), key),
            )


def test_a_planted_cache_changes_nothing_the_build_publishes(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site({"content/a.md": item("Alpha"), "content/b.md": item("Bravo")})
    clean = tmp_path / "clean"
    assert run("build", "--site", str(root), "--output", str(clean), "--clean")[0] == 0

    # The attacker builds on their machine and plants the sealed, altered cache.
    theirs = tmp_path / "attacker-secret"
    monkeypatch.setenv("BRIEFING_SECRET_DIR", str(theirs))
    assert run("build", "--site", str(root))[0] == 0
    plant_script(root / ".briefing-cache", theirs)
    assert run("build", "--site", str(root), "--output", str(tmp_path / "own"))[0] == 0
    assert b"<script>" in (tmp_path / "own/2025/07/22/a/index.html").read_bytes()  # it would work

    # The editor (or the Pages runner) builds with a secret of their own.
    monkeypatch.setenv("BRIEFING_SECRET_DIR", str(tmp_path / "editor-secret"))
    (root / "content/a.md").touch()  # a changed file: the cached records are loaded
    code, out, err = run("build", "--site", str(root), "--output", str(tmp_path / "published"))
    assert code == 0
    assert (
        f"warning: the build cache {root / '.briefing-cache/items.sqlite'} was not written by "
        "briefing for this user on this machine, or was changed since; it was discarded"
    ) in err.splitlines()
    published = survey(tmp_path / "published")
    assert published == survey(clean)
    assert not any(b"<script>" in p.read_bytes() for p in (tmp_path / "published").rglob("*.html"))


def test_a_cache_written_by_hand_is_discarded_too(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"content/a.md": item("Alpha")})
    clean = tmp_path / "clean"
    assert run("build", "--site", str(root), "--output", str(clean), "--clean")[0] == 0
    assert run("build", "--site", str(root))[0] == 0
    with closing(sqlite3.connect(root / ".briefing-cache/items.sqlite")) as db, db:
        db.execute("UPDATE parsed SET html = '<p><script>alert(1)</script></p>'")
    os.utime(root / "content/a.md")
    code, _, err = run("build", "--site", str(root), "--output", str(tmp_path / "published"))
    assert code == 0 and "was not written by briefing for this user" in err
    assert survey(tmp_path / "published") == survey(clean)


def test_the_pages_workflow_builds_clean_unless_the_deploy_holds_a_secret(tmp_path: Path) -> None:
    """A cache committed by a contributor is not even opened on the Pages runner, unless
    the deploy's own secret is set: then only entries it proves are used (the steps are
    run in tests/commands/test_init.py; this repository's workflow is the same)."""
    init_site(tmp_path / "site", datetime(2025, 7, 22, tzinfo=UTC), provenance.given("."))
    workflow = (tmp_path / "site/.github/workflows/pages.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(workflow)["jobs"]["build"]["steps"]
    (script,) = [step["run"] for step in steps if "briefing build" in step.get("run", "")]
    assert script.splitlines() == [
        'if [ -n "$BRIEFING_CACHE_SECRET" ]; then',
        '  briefing build --report "$RUNNER_TEMP/build.json"',
        "else",
        '  briefing build --clean --report "$RUNNER_TEMP/build.json"',
        "fi",
    ]


def test_a_deploys_secret_from_the_environment_stands_for_the_users_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI has no lasting home folder: BRIEFING_CACHE_SECRET, a repository secret, keys
    the cache the same way on every runner, and nothing is written to the home."""
    monkeypatch.setenv("BRIEFING_CACHE_SECRET", "a" * 64)
    first = load_secret(tmp_path / "runner-1")
    assert load_secret(tmp_path / "runner-2") == first and len(first) == 32
    assert not (tmp_path / "runner-1").exists()
    monkeypatch.setenv("BRIEFING_CACHE_SECRET", "b" * 64)
    assert load_secret(tmp_path / "runner-1") != first
    monkeypatch.setenv("BRIEFING_CACHE_SECRET", "b" * 31)
    with pytest.raises(NoSecret, match="too short"):
        load_secret(tmp_path / "runner-1")
