"""sitefiles: nothing outside the site folder is read, links or not; unreadable files
are located errors. Real symbolic links, real pipes, real file modes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite, item, run, without_file_privileges

from generator.project.sitefiles import walk
from generator.reading.sources import discover

HINT = (
    "briefing reads nothing outside the site folder or in its hidden folders; "
    "copy the file into the site instead of linking to it"
)


def built_files(root: Path) -> dict[str, bytes]:
    site = root / "_site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the site folder that must never be published."""
    path = tmp_path / "outside" / "token.txt"
    path.parent.mkdir()
    path.write_text("---\ntitle: the token ghp_SECRET\n---\nghp_SECRET\n", encoding="utf-8")
    return path


def refused(root: Path, link: str, target: Path, why: str = "outside the site folder") -> str:
    return f"{root}/{link}: is a symbolic link to {target}, {why}; {HINT}"


def test_a_content_link_out_of_the_site_is_an_error_in_build_and_check(
    make_site: MakeSite, secret: Path
) -> None:
    root = make_site({"content/a.md": item()})
    (root / "content/leak.md").symlink_to(secret)
    code, out, err = run("build", "--site", str(root))
    assert code == 1 and out == ""
    assert err.splitlines()[0] == refused(root, "content/leak.md", secret)
    assert not (root / "_site").exists()
    code, _, err = run("check", "--site", str(root))
    assert code == 1 and refused(root, "content/leak.md", secret) in err.splitlines()


def test_a_link_into_the_sites_git_folder_is_refused(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item(), ".git/config": "[remote] token=ghp_SECRET\n"})
    (root / "content/config.md").symlink_to("../.git/config")
    code, _, err = run("build", "--site", str(root))
    assert code == 1
    assert err.splitlines()[0] == refused(
        root, "content/config.md", root / ".git/config", "inside the site's hidden .git"
    )


def test_every_bad_link_is_reported_in_one_build(make_site: MakeSite, secret: Path) -> None:
    root = make_site({"content/a.md": item(), "themes/default/templates/.keep": ""})
    for link in ("content/x.md", "themes/default/static/x.css", "themes/default/templates/x.html"):
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(secret)
    (root / "content/passwd").symlink_to("/etc/passwd")  # not Markdown, still a way out
    code, _, err = run("build", "--site", str(root))
    assert code == 1
    assert err.splitlines()[:-2] == [
        refused(root, "content/passwd", Path("/etc/passwd")),
        refused(root, "content/x.md", secret),
        refused(root, "themes/default/static/x.css", secret),
        refused(root, "themes/default/templates/x.html", secret),
    ]
    assert err.splitlines()[-2] == "4 errors"


def test_links_out_through_folders_site_yaml_and_the_theme_are_refused(
    make_site: MakeSite, secret: Path, tmp_path: Path
) -> None:
    elsewhere = secret.parent
    root = make_site({"content/a.md": item()})
    (root / "content/more").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run("build", "--site", str(root))
    assert err.splitlines()[0] == refused(root, "content/more", elsewhere)

    (root / "content/more").unlink()
    (root / "site.yaml").rename(tmp_path / "site.yaml")
    (root / "site.yaml").symlink_to(tmp_path / "site.yaml")
    code, _, err = run("build", "--site", str(root))
    assert code == 1 and err.splitlines()[0] == refused(root, "site.yaml", tmp_path / "site.yaml")

    (root / "site.yaml").unlink()
    (tmp_path / "site.yaml").rename(root / "site.yaml")
    (root / "themes").mkdir()
    (root / "themes/default").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run("build", "--site", str(root))
    assert code == 1 and err.splitlines()[0] == refused(root, "themes/default", elsewhere)


def test_the_content_folder_itself_may_not_lead_out(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({})
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/a.md").write_text(item(), encoding="utf-8")
    (root / "content").symlink_to(tmp_path / "shared", target_is_directory=True)
    code, _, err = run("build", "--site", str(root))
    assert code == 1 and err.splitlines()[0] == refused(root, "content", tmp_path / "shared")


@pytest.mark.parametrize(
    "theme", ["/etc", "../elsewhere", "themes/default", "C:\\themes\\x", ".hidden", ".."]
)
def test_a_theme_is_a_folder_name_under_themes_never_a_path(
    make_site: MakeSite, theme: str
) -> None:
    from conftest import SITE_YAML

    root = make_site({"site.yaml": SITE_YAML + f"theme: '{theme}'\n", "content/a.md": item()})
    code, _, err = run("build", "--site", str(root))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{root}/site.yaml:8:8: 'theme' must be the name of a folder under themes/, not a path: "
        f"{theme!r}; move the theme into the site as themes/<name>/ and write `theme: <name>`"
    )


def test_links_that_stay_inside_are_followed_files_and_folders_alike(
    make_site: MakeSite,
) -> None:
    root = make_site(
        {
            "content/a.md": item("Alpha"),
            "drafts/b.md": item("Bravo"),
            "shared/more/c.md": item("Charlie"),
            "shared/style.css": "body { color: teal }\n",
            "themes/default/static/.keep": "",
        }
    )
    (root / "content/b.md").symlink_to("../drafts/b.md")
    (root / "content/more").symlink_to("../shared/more", target_is_directory=True)
    (root / "themes/default/static/extra.css").symlink_to("../../../shared/style.css")
    code, out, err = run("build", "--site", str(root))
    assert (code, err) == (0, ""), err
    files = built_files(root)
    assert {"2025/07/22/a/", "2025/07/22/b/", "2025/07/22/c/"} <= {
        name.removesuffix("index.html") for name in files
    }
    assert files["assets/extra.css"] == b"body { color: teal }\n"


def test_a_file_reached_by_two_paths_is_one_item(make_site: MakeSite) -> None:
    root = make_site({"content/2025-07-22-alpha.md": item("Alpha")})
    (root / "content/zz-alias.md").symlink_to("2025-07-22-alpha.md")
    found = discover(root / "content", {})
    assert [s.rel.as_posix() for s in found.changed] == ["2025-07-22-alpha.md"]
    code, out, err = run("build", "--site", str(root))
    assert (code, err) == (0, "") and out.startswith("built 1 item in 1 edition")


def test_a_folder_linking_to_its_own_parent_is_an_error_not_an_endless_walk(
    make_site: MakeSite,
) -> None:
    root = make_site({"content/sub/a.md": item()})
    (root / "content/sub/loop").symlink_to("..", target_is_directory=True)
    code, _, err = run("build", "--site", str(root))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{root}/content/sub/loop: is a symbolic link to {root}/content, a folder that "
        "contains it; remove the link: following it would never end"
    )


def test_a_dangling_link_to_markdown_is_an_error(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item()})
    (root / "content/gone.md").symlink_to("nowhere.md")
    code, _, err = run("build", "--site", str(root))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{root}/content/gone.md: is a symbolic link to {root}/content/nowhere.md, which does "
        "not exist; point it at a file of the site or remove it"
    )


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item()})
    os.mkfifo(root / "content/pipe.md")
    code, _, err = run("build", "--site", str(root))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{root}/content/pipe.md: is not a plain file (a pipe, socket or device); "
        "replace it with a plain file or remove it"
    )


def test_serve_hints_follow_the_same_rule(make_site: MakeSite, secret: Path) -> None:
    root = make_site({"content/a.md": item()})
    first = discover(root / "content", {}, root=root)
    (root / "content/leak.md").symlink_to(secret)
    again = discover(root / "content", first.seen, only={"leak.md"}, root=root)
    assert [str(e) for e in again.errors] == [refused(root, "content/leak.md", secret)]
    assert "leak.md" not in again.seen


def test_a_walk_of_plain_files_resolves_no_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links are judged by resolving them; plain files cost no resolving at all."""
    for n in range(20):
        (tmp_path / f"d{n % 3}").mkdir(exist_ok=True)
        (tmp_path / f"d{n % 3}/{n}.md").write_text("x", encoding="utf-8")
    calls: list[str] = []
    real = os.path.realpath
    monkeypatch.setattr(os.path, "realpath", lambda p, **k: calls.append(p) or real(p, **k))
    walked = walk(tmp_path, tmp_path, lambda rel: rel.endswith(".md"))
    assert len(walked.files) == 20 and walked.errors == []
    assert len(calls) == 2  # the root and the folder walked, once each


UNREADABLE = "make it readable (chmod a+r) or move it out of the site folder"


def build_unprivileged(root: Path, command: str = "build") -> subprocess.CompletedProcess[str]:
    """Run briefing as a user that file modes bind: root without its override."""
    return subprocess.run(
        [sys.executable, "-m", "generator", command],
        cwd=root,
        capture_output=True,
        text=True,
        preexec_fn=without_file_privileges,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "unreadable",
    ["content/b.md", "content/sub", "themes/default/templates/item.html", "site.yaml"],
)
def test_an_unreadable_file_or_folder_is_a_located_error(
    make_site: MakeSite, unreadable: str
) -> None:
    root = make_site(
        {
            "content/a.md": item(),
            "content/b.md": item("B"),
            "content/sub/c.md": item("C"),
            "themes/default/templates/item.html": "{% extends 'base.html' %}",
        }
    )
    (root / unreadable).chmod(0)
    try:
        for command in ("build", "check"):
            proc = build_unprivileged(root, command)
            assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
            assert proc.stderr.splitlines()[0] == (
                f"{unreadable}: cannot be read: permission denied; {UNREADABLE}"
            )
    finally:
        (root / unreadable).chmod(0o755)


@pytest.mark.slow
def test_an_unreadable_cache_folder_is_left_aside_with_a_warning(make_site: MakeSite) -> None:
    root = make_site({"content/a.md": item()})
    assert build_unprivileged(root).returncode == 0
    (root / ".briefing-cache").chmod(0)
    try:
        (root / "content/a.md").write_text(item(body="Changed."), encoding="utf-8")
        result = build_unprivileged(root)
    finally:
        (root / ".briefing-cache").chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert "warning: the build cache folder .briefing-cache cannot be used (Permission " in (
        result.stderr
    )
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "Changed." in (root / "_site/2025/07/22/a/index.html").read_text("utf-8")


def test_a_file_gone_between_listing_and_looking_is_left_out_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save or a checkout deletes a file while the folder is read: it is no
    "symbolic link which does not exist", it is simply gone."""
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "b.md").write_text("b", encoding="utf-8")
    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("b.md"):
            raise FileNotFoundError(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    walked = walk(tmp_path, tmp_path, lambda rel: rel.endswith(".md"))
    assert [found.rel for found in walked.files] == ["a.md"]
    assert walked.errors == []
