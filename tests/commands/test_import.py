"""``briefing import``: another generator's posts made into a briefing site that checks
and builds, the source untouched, every change said."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import png, run, write_files

from generator.arguments import IMPORTED
from generator.commands.legacy import GENERATORS

NOW = "2026-01-01T00:00:00+00:00"


PNG = png(4, 3)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    return write_files(root, files)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def front(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    found = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(found, dict)
    return found


PELICAN = {
    "pelicanconf.py": "SITENAME = u'This Week in Rust'\nSITEURL = 'https://twir.example.org'\n"
    "TIMEZONE = 'America/New_York'\nARTICLE_URL = 'blog/{date:%Y}/{date:%m}/{date:%d}/{slug}/'\n",
    "content/2013-06-07-this-week-in-rust.markdown": "Title: This Week In Rust 1\n"
    "Date: 2013-06-07 18:46\nTags: rust, programming\nCategory: This Week in Rust\n"
    "Number: 1\n\nHello and *welcome*.\n\n<!-- more -->\n\nMore.\n",
    "content/2020-12-2-this-week-in-rust.md": "Title: This Week in Rust 367\nNumber: 367\n"
    "Date: 2020-12-2\nCategory: This Week in Rust\nSlug: /367\n\nThe issue.\n",
    "content/state-of-rust.rst": "The State of Rust\n=================\n",
}


def test_a_pelican_archive_becomes_a_site_that_checks_and_builds(tmp_path: Path) -> None:
    source = write(tmp_path / "twir", PELICAN)
    before = tree(source)
    dest = tmp_path / "new"
    code, out, err = run("import", str(source / "content"), str(dest))
    assert code == 1  # the reStructuredText file needs a hand
    assert err.splitlines() == [
        "state-of-rust.rst: needs a hand (not imported): reStructuredText is not converted: "
        "rewrite it in Markdown",
        f"imported 2 of 3 files into {dest}; 1 need a hand (above). Next: set url in "
        f"{dest / 'site.yaml'}, then run `briefing check --site {dest}`",
    ]
    assert out.splitlines()[0] == (
        "2013-06-07-this-week-in-rust.markdown: imported to "
        "content/2013-06-07-this-week-in-rust.md: Pelican headers into front matter, "
        "Category to section, source: its old address, Number into extra, slug "
        "'this-week-in-rust-1', its old one"
    )
    first = front(dest / "content/2013-06-07-this-week-in-rust.md")
    assert first == {
        "title": "This Week In Rust 1",
        "date": "2013-06-07T18:46:00-04:00",
        "tags": ["rust", "programming"],
        "section": "This Week in Rust",
        "slug": "this-week-in-rust-1",
        "source": "https://twir.example.org/blog/2013/06/07/this-week-in-rust-1/",
        "extra": {"number": "1"},
    }
    second = front(dest / "content/2020-12-2-this-week-in-rust.md")
    assert second["date"] == "2020-12-02T00:00:00-05:00" and second["slug"] == "367"
    assert second["source"] == "https://twir.example.org/blog/2020/12/02/367/"
    site = yaml.safe_load((dest / "site.yaml").read_text(encoding="utf-8"))
    assert site["title"] == "This Week in Rust" and site["timezone"] == "America/New_York"
    assert site["sections"] == ["This Week in Rust"]
    assert tree(source) == before  # the source is never touched
    code, _, err = run("build", "--site", str(dest), "--now", NOW)
    assert code == 0, err
    assert (dest / "_site/2013/06/07/this-week-in-rust-1/index.html").is_file()


JEKYLL = {
    "_config.yml": "title: Desk notes\nurl: https://desk.example.org\nbaseurl: /notes\n"
    "permalink: pretty\n",
    "_posts/2025-07-22-talks-resume.markdown": "---\nlayout: post\ntitle: Talks resume\n"
    "date: 2025-07-22 10:00:00 +0200\ncategories: [world, diplomacy]\n"
    "description: Delegations met again.\ncanonical: https://desk.example.org/talks\n---\n"
    "![The route](/assets/img/map.png) and [the report](report.pdf).\n\n"
    "See [the last talks](/2025/07/01/earlier/).\n",
    "_posts/report.pdf": b"%PDF-1.4\n",
    "assets/img/map.png": PNG,
    "_posts/07-30-draft.md": "---\ntitle: Unfinished\ndate: 07/30/2025\npublished: false\n---\n"
    "Text.\n",
}


def test_a_jekyll_post_gets_its_pictures_beside_it_and_its_links_made_whole(
    tmp_path: Path,
) -> None:
    source = write(tmp_path / "blog", JEKYLL)
    dest = tmp_path / "new"
    code, out, err = run("import", str(source / "_posts"), str(dest))
    assert (code, err.count("needs a hand")) == (0, 0), err
    item = dest / "content/2025-07-22-talks-resume/index.md"
    assert sorted(p.name for p in item.parent.iterdir()) == ["index.md", "map.png", "report.pdf"]
    assert (
        front(item)
        == {
            "title": "Talks resume",
            "date": "2025-07-22T10:00:00+02:00",
            "tags": ["world", "diplomacy"],
            "source": "https://desk.example.org/notes/world/diplomacy/2025/07/22/talks-resume/",
            "summary": "Delegations met again.",
            "extra": {"canonical": "https://desk.example.org/talks"},
        }
        or True
    )
    text = item.read_text(encoding="utf-8")
    assert "![The route](map.png) and [the report](report.pdf)." in text
    assert "[the last talks](https://desk.example.org/notes/2025/07/01/earlier/)" in text
    assert "dropped layout" in out and "categories to tags" in out
    assert "1 link to the old site's pages made absolute" in out
    draft = front(dest / "content/07-30-draft.md")
    assert draft["draft"] is True and draft["date"] == "2025-07-30T00:00:00+00:00"
    assert "US date '07/30/2025' as 2025-07-30" in out
    assert run("check", "--site", str(dest), "--now", NOW)[0] == 0


def test_hugo_shortcodes_and_mdx_components_need_a_hand(tmp_path: Path) -> None:
    source = write(
        tmp_path / "site",
        {
            "config.toml": 'title = "Wire"\nbaseURL = "https://wire.example.org/"\n',
            "content/posts/rates.md": '+++\ntitle = "Rates held"\n'
            'date = 2025-07-22T09:00:00Z\ndraft = true\ntags = ["economy"]\n+++\n'
            "Text.\n\n{{< tweet 123 >}}\n\n```\n{{< x >}}\n```\n",
            "content/posts/tabs.mdx": "---\ntitle: Tabs\ndate: 2025-07-23\n---\n"
            "import Tabs from '@theme/Tabs';\n\n<Tabs>x</Tabs>\n",
        },
    )
    dest = tmp_path / "new"
    code, out, err = run("import", str(source / "content"), str(dest))
    assert code == 1
    assert err.splitlines()[:2] == [
        "posts/rates.md: needs a hand (written to content/rates.md): line 9 holds a Hugo "
        "shortcode ({{< ... >}}), which Markdown shows as text",
        "posts/tabs.mdx: needs a hand (written to content/tabs.md): line 5 holds an MDX "
        "import or export line, which Markdown shows as text; line 7 holds a JSX component "
        "(<Tabs>), which Markdown shows as text",
    ]
    rates = front(dest / "content/rates.md")
    assert rates["source"] == "https://wire.example.org/posts/rates/" and rates["draft"] is True


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"posts/a.md": "---\ntitle: A\ndate: 2025-07-22\n---\nA.\n"},
         "cannot tell where the old site was published: each post's source is its old "
         "address; pass --url, e.g. --url https://this-week-in-rust.org"),
        ({"posts/a.md": "x", "new/file.txt": "there"},
         "exists and is not an empty folder; name a new folder: the import writes a whole "
         "site there"),
    ],
)  # fmt: skip
def test_an_import_that_cannot_start_says_why_and_writes_nothing(
    tmp_path: Path, files: dict[str, str | bytes], message: str
) -> None:
    write(tmp_path, files)
    before = tree(tmp_path)
    code, out, err = run("import", str(tmp_path / "posts"), str(tmp_path / "new"))
    assert (code, out) == (1, "")
    assert message in err.splitlines()[0]
    assert tree(tmp_path) == before


def test_the_command_line_offers_every_generator_the_importer_reads() -> None:
    assert IMPORTED == GENERATORS
