"""The site's static/ folder: published at the root of the output as it is; a file of
the theme's of the same name is replaced, a file briefing makes itself is an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeSite, item, run

NOW = "2025-07-23T12:00:00+03:00"


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "content/a.md": item(body="The [annual report](/downloads/report.pdf)."),
            "static/favicon.ico": b"\x00\x00\x01\x00icon",
            "static/downloads/report.pdf": b"%PDF-1.4\n",
            "static/assets/style.css": "body { color: navy; }\n",
            "static/google1234.html": "google-site-verification: google1234.html\n",
        }
    )
    monkeypatch.chdir(root)
    return root


def test_static_files_are_published_at_the_root_as_they_are(site: Path) -> None:
    code, _, err = run("build", "--now", NOW)
    assert code == 0, err
    out = site / "_site"
    assert (out / "favicon.ico").read_bytes() == b"\x00\x00\x01\x00icon"
    assert (out / "downloads/report.pdf").read_bytes() == b"%PDF-1.4\n"
    assert (out / "google1234.html").read_text() == "google-site-verification: google1234.html\n"


def test_a_static_file_replaces_the_themes_of_the_same_name(site: Path) -> None:
    run("build", "--now", NOW)
    assert (site / "_site/assets/style.css").read_text() == "body { color: navy; }\n"
    assert (site / "_site/assets/favicon.svg").is_file()  # the theme's others stay


def test_a_root_link_to_a_static_file_builds_and_to_a_missing_one_fails(site: Path) -> None:
    assert run("build", "--now", NOW)[0] == 0
    (site / "static/downloads/report.pdf").unlink()
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0] == (
        "content/a.md:7:21: links to /downloads/report.pdf, but there is no such file (looked "
        "for static/downloads/report.pdf); put the file in the site's static/ folder, or "
        "correct the link"
    )


@pytest.mark.parametrize(
    ("name", "maker"),
    [("robots.txt", "robots.txt"), ("index.html", "the front page"), ("feed.xml", "the feeds")],
)
def test_a_static_file_briefing_writes_itself_is_an_error(
    site: Path, name: str, maker: str
) -> None:
    (site / "static" / name).write_text("mine\n")
    code, _, err = run("build", "--now", NOW)
    assert code == 1
    assert err.splitlines()[0] == (
        f"static/{name}: {name} would be written twice: by {maker} and by static/{name}; "
        f"briefing writes {name} itself; rename or remove static/{name}"
    )


def test_hidden_files_in_static_are_never_published(site: Path) -> None:
    (site / "static/.nojekyll").write_text("mine\n")
    (site / "static/.env").write_text("SECRET=1\n")
    assert run("build", "--now", NOW)[0] == 0
    assert (site / "_site/.nojekyll").read_text() == ""  # briefing's own
    assert not (site / "_site/.env").exists()


def test_well_known_uris_are_published_and_nothing_else_hidden(site: Path) -> None:
    """RFC 8615's /.well-known/ (security.txt, domain verification) is the one hidden
    folder a site publishes; hidden files inside it and other hidden folders are not."""
    (site / "static/.well-known").mkdir()
    (site / "static/.well-known/security.txt").write_text("Contact: mailto:desk@example.org\n")
    (site / "static/.well-known/.htaccess").write_text("Deny from all\n")
    (site / "static/.git").mkdir()
    (site / "static/.git/config").write_text("[credential]\n")
    (site / "static/assets/.well-known").mkdir()
    (site / "static/assets/.well-known/x.txt").write_text("not at the root\n")
    code, _, err = run("build", "--now", NOW)
    assert (code, err) == (0, "")
    out = site / "_site"
    assert (out / ".well-known/security.txt").read_text() == "Contact: mailto:desk@example.org\n"
    assert sorted(p.name for p in (out / ".well-known").iterdir()) == ["security.txt"]
    assert not (out / ".git").exists()
    assert not (out / "assets/.well-known").exists()


def test_a_changed_static_file_is_published_again(site: Path) -> None:
    run("build", "--now", NOW)
    (site / "static/favicon.ico").write_bytes(b"new")
    code, out, _ = run("build", "--now", NOW)
    assert code == 0
    assert (site / "_site/favicon.ico").read_bytes() == b"new"
    assert "1 written" in out
