"""`extra:` (as in Zola): an item's and the site's own metadata, kept exactly as written
for a theme to use, in every build (fresh, from the cache, incremental)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SITE_YAML, MakeSite, item, run
from test_content import errors_of, parse_text

from generator.errors import BuildFailed
from generator.project.config import config_from

NOW = "2025-07-23T12:00:00+03:00"

EXTRA = """extra:
  podcast: https://example.org/ep1.mp3
  desk: [Kyiv, Warsaw]
  embargo: {until: "09:00", by: Reuters}"""


def test_extra_is_read_as_written_and_read_only() -> None:
    doc = parse_text(item(extra="\n" + EXTRA.split("\n", 1)[1]))
    extra = doc.meta.extra
    assert extra["podcast"] == "https://example.org/ep1.mp3"
    assert extra["desk"] == ("Kyiv", "Warsaw")
    assert dict(extra["embargo"]) == {"until": "09:00", "by": "Reuters"}
    with pytest.raises(TypeError):
        extra["podcast"] = "changed"  # type: ignore[index]


def test_without_extra_it_is_empty() -> None:
    assert dict(parse_text(item()).meta.extra) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "just text",
            "content/2025-07-22-talks.md:6:8: 'extra' must be a mapping of `key: value` lines, "
            "not text; indent each entry under `extra:`, e.g. `  podcast: https://...`",
        ),
        (
            "{when: !!timestamp 2025-07-22}",
            "content/2025-07-22-talks.md:6:15: '!!timestamp' is a YAML type tag, which briefing "
            'does not read; quote the whole value if the text starts with "!", or delete the tag',
        ),
        (
            '{podcast: "javascript:alert(1)"}',
            "content/2025-07-22-talks.md:6:8: 'extra' holds a link that would run script or "
            "embed content at extra.podcast: 'javascript:alert(1)'; give an https:// address",
        ),
        (
            "{links: [https://ok.org, ' data:text/html,x']}",
            "content/2025-07-22-talks.md:6:8: 'extra' holds a link that would run script or "
            "embed content at extra.links[1]: 'data:text/html,x'; give an https:// address",
        ),
        (
            "{desk: [Kyiv, {n: !!int 3}]}",
            "content/2025-07-22-talks.md:6:26: '!!int' is a YAML type tag, which briefing does "
            'not read; quote the whole value if the text starts with "!", or delete the tag',
        ),
    ],
)
def test_what_extra_cannot_keep_is_an_error_at_the_value(value: str, message: str) -> None:
    assert errors_of(item(extra=value)) == [message]


def test_hugos_params_points_to_extra() -> None:
    assert errors_of(item(params="{podcast: x}")) == [
        "content/2025-07-22-talks.md:6:1: unknown key 'params' in front matter; briefing calls "
        "it `extra:` (the item's own values, for the theme: {{ item.extra.<key> }})"
    ]


#: Templates are strict: a key one item lacks is asked about with `in` (or `.get`).
THEME = """{% extends "base.html" %}
{% block main %}{% if "podcast" in item.extra %}<p id="podcast">{{ item.extra.podcast }}</p>
<p id="desk">{{ item.extra.desk | join("/") }}</p>
<p id="by">{{ item.extra.embargo.by }}</p>{% endif %}
<p id="site">{{ site.extra.newsletter }}</p>{% endblock %}
"""


@pytest.fixture
def themed(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_site(
        {
            "site.yaml": SITE_YAML + "theme: desk\nextra:\n  newsletter: Morning <Brief>\n",
            "themes/desk/templates/item.html": THEME,
            "content/2025-07-22-talks.md": item(extra="\n" + EXTRA.split("\n", 1)[1]),
        }
    )
    monkeypatch.chdir(root)
    return root


def page(root: Path) -> str:
    return (root / "_site/2025/07/22/talks/index.html").read_text(encoding="utf-8")


def test_a_theme_shows_item_and_site_extra_escaped(themed: Path) -> None:
    assert run("build", "--now", NOW)[0] == 0
    html = page(themed)
    assert '<p id="podcast">https://example.org/ep1.mp3</p>' in html
    assert '<p id="desk">Kyiv/Warsaw</p>' in html
    assert '<p id="by">Reuters</p>' in html
    assert '<p id="site">Morning &lt;Brief&gt;</p>' in html


def test_extra_survives_the_cache_and_an_edit_of_it_rebuilds_the_page(themed: Path) -> None:
    run("build", "--now", NOW)
    other = themed / "content/2025-07-21-other.md"
    other.write_text(item("Other", "2025-07-21T08:00:00+03:00"), encoding="utf-8")
    assert run("build", "--now", NOW)[0] == 0  # the talks item comes from the cache
    assert '<p id="podcast">https://example.org/ep1.mp3</p>' in page(themed)
    talks = themed / "content/2025-07-22-talks.md"
    talks.write_text(talks.read_text().replace("ep1.mp3", "ep2.mp3"), encoding="utf-8")
    assert run("build", "--now", NOW)[0] == 0
    assert '<p id="podcast">https://example.org/ep2.mp3</p>' in page(themed)


def test_site_extra_is_read_and_hugos_params_points_to_it() -> None:
    config = config_from(SITE_YAML.encode() + b"extra:\n  desk: Kyiv\n", Path("site.yaml"))
    assert dict(config.extra) == {"desk": "Kyiv"}
    with pytest.raises(BuildFailed) as failed:
        config_from(SITE_YAML.encode() + b"params:\n  desk: Kyiv\n", Path("site.yaml"))
    assert [str(e) for e in failed.value.errors] == [
        "site.yaml:8:1: unknown key 'params' in site.yaml; briefing calls it `extra:` (the "
        "site's own values, for the theme: {{ site.extra.<key> }})"
    ]
