"""Briefing blocks as readers see them: headless Chromium and axe-core on pages and an
email that show the same block type more than once, in light and dark mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import ARTIFACTS, AXE, RUN_AXE, SITE_YAML, item, serve_pages, write_files

from generator.engine.build import build
from generator.engine.options import BuildOptions

#: Chromium on built pages.
pytestmark = pytest.mark.slow

BASE = "/briefing/"
BODY = (
    "Talks resumed.\n\n"
    "::: why\nThe corridor carried 33 million tonnes of grain, see "
    "[the data](https://example.org/grain).\n:::\n\n"
    "::: watch\n- Talks on *Thursday*.\n- A vote.\n:::\n\n"
    "More on the talks."
)
#: An edition, its email and the front page show both items: two blocks of each type.
PAGES = ("2025/07/22/grain/", "editions/2025-07-22/", "", "email/2025-07-22/")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    top = tmp_path_factory.mktemp("blocks")
    site = write_files(
        top / "site",
        {
            "site.yaml": SITE_YAML,
            "content/2025-07-22-grain.md": item("Grain deal", body=BODY),
            "content/2025-07-22-rates.md": item(
                "Rates held", "2025-07-22T11:00:00+03:00", body=BODY
            ),
        },
    )
    build(BuildOptions(site_dir=site, output=top / "pages" / BASE.strip("/")))
    with serve_pages(top / "pages", BASE) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium: object) -> object:
    if not AXE.is_file():
        pytest.skip(f"needs axe-core: npm install --prefix .ci axe-core (looked for {AXE})")
    return chromium


def test_pages_with_blocks_pass_axe_in_light_and_dark(site_url: str, browser: object) -> None:
    driver: object = browser
    driver.set_window_size(800, 1200)  # type: ignore[attr-defined]
    axe = AXE.read_text(encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for path in PAGES:
        for scheme in ("light", "dark"):
            driver.execute_cdp_cmd(  # type: ignore[attr-defined]
                "Emulation.setEmulatedMedia",
                {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
            )
            driver.get(site_url + path)  # type: ignore[attr-defined]
            driver.execute_script(axe)  # type: ignore[attr-defined]
            violations = driver.execute_async_script(RUN_AXE)  # type: ignore[attr-defined]
            problems += [f"/{path} {scheme}: {v}" for v in violations]
            name = path.strip("/").replace("/", "-") or "front"
            shot = ARTIFACTS / f"blocks-{name}-{scheme}.png"
            driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
    assert problems == []


def test_the_label_is_small_bold_capitals_above_a_rule(site_url: str, browser: object) -> None:
    driver: object = browser
    driver.get(site_url + PAGES[0])  # type: ignore[attr-defined]
    label, block = driver.execute_script(  # type: ignore[attr-defined]
        "const l = getComputedStyle(document.querySelector('.block-label'));"
        "const b = getComputedStyle(document.querySelector('.block'));"
        "return [[l.textTransform, l.fontWeight], [b.borderLeftStyle, b.borderLeftWidth]];"
    )
    assert label == ["uppercase", "700"]
    assert block == ["solid", "3px"]
