"""What a reader sees first, in headless Chromium: on a 390x844 phone the front page's
first headline is on the first screen, under a header of two rows whose search button
opens the search page; the edition's contents are one tap away there and shown in full
on a wide screen; the search page's filters start folded at every width and open when
the address sets one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import AXE, RUN_AXE, SEARCH_SITE_YAML, item, serve_pages, write_files

from generator.engine.build import build
from generator.engine.options import BuildOptions

#: Chromium on a built site, whose build runs Pagefind.
pytestmark = pytest.mark.slow

BASE = "/briefing/"
PHONE = (390, 844)
DESKTOP = (1280, 900)
SITE = SEARCH_SITE_YAML + (
    "sections: [Top stories, World, Economy]\nmenu:\n  - {page: about, title: About}\n"
)
#: The length of a real editor's introduction (the sample's is 62 words).
INTRO = (
    "Kyiv and Moscow are heading back to Istanbul, but nobody in either capital expects "
    "a breakthrough. Today's edition leads with Ukraine's renewed offer of a leaders' "
    "meeting and the night of strikes that preceded it, then turns to the central bank, "
    "gas storage and a warning about a new epidemic.\n"
)
DAY = "2025-07-22T{}:00+03:00"
#: Six items in three sections: a contents box of eight lines when shown in full.
TOP, WORLD, ECONOMY = "Top stories", "World", "Economy"
ITEMS = [
    ("Zelenskyy renews offer to meet Putin as Russian strikes kill a child", TOP, "[ukraine]"),
    ("Delegations gather in Istanbul for a third round of talks", TOP, "[ukraine]"),
    ("WHO warns of risk of a new global chikungunya epidemic", WORLD, "[health]"),
    ("Japan's ruling coalition loses its upper house majority", WORLD, "[japan]"),
    ("ECB holds interest rates at 2% after a year of cuts", ECONOMY, "[economy]"),
    ("EU gas storage refill on track despite the heat", ECONOMY, "[energy]"),
]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    top = tmp_path_factory.mktemp("first-screen")
    files: dict[str, str | bytes] = {
        "site.yaml": SITE,
        "content/pages/about.md": "---\ntitle: About\n---\nWho we are.\n",
        "content/editions/2025-07-22.md": (
            "---\ntitle: Talks again, and a strike in the night\n---\n" + INTRO
        ),
        # An edition before it, for the front page's "Recent editions".
        "content/2025-07-21-older.md": item(
            "Grain corridor talks stall", "2025-07-21T08:00:00+03:00", tags="[trade]"
        ),
    }
    for number, (title, section, tags) in enumerate(ITEMS):
        files[f"content/2025-07-22-{number}.md"] = item(
            title,
            DAY.format(f"{9 + number:02d}:00"),
            tags=tags,
            section=section,
            body="A paragraph about it, which the reader can skim. " * 8,
        )
    site = write_files(top / "site", files)
    build(BuildOptions(site_dir=site, output=top / "pages" / BASE.strip("/")))
    with serve_pages(top / "pages", BASE) as url:
        yield url


@pytest.fixture
def driver(chromium: object) -> Iterator[object]:
    yield chromium
    chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})  # type: ignore[attr-defined]


def screen(driver: object, size: tuple[int, int]) -> None:
    """A viewport of exactly ``size`` CSS pixels, as a phone's (or a desktop's) is."""
    width, height = size
    driver.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def visible(driver: object, selector: str) -> list[str]:
    """The text of the elements matching ``selector`` that are drawn on the page."""
    return driver.execute_script(  # type: ignore[attr-defined,no-any-return]
        "return [...document.querySelectorAll(arguments[0])]"
        ".filter(e => e.checkVisibility()).map(e => e.textContent.trim())",
        selector,
    )


def wait(driver: object, script: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return " + script))  # type: ignore[arg-type]


def test_on_a_phone_the_first_headline_is_on_the_first_screen(
    site_url: str, driver: object
) -> None:
    screen(driver, PHONE)
    driver.get(site_url)  # type: ignore[attr-defined]
    top, headline = driver.execute_script(  # type: ignore[attr-defined]
        "const h = document.querySelector('article.story h3');"
        "return [h.getBoundingClientRect().top + scrollY, h.textContent.trim()];"
    )
    assert headline in [title for title, _, _ in ITEMS]
    # Under the header, the edition's title, its introduction and the contents' one line.
    assert top < PHONE[1], f"the first headline starts {top:.0f}px down, below the screen"


def test_on_a_phone_the_header_is_two_rows_with_search_on_them(
    site_url: str, driver: object
) -> None:
    from selenium.webdriver.common.by import By

    screen(driver, PHONE)
    driver.get(site_url)  # type: ignore[attr-defined]
    # Rows as the eye counts them: a part that starts below the row above begins a new one.
    rows = driver.execute_script(  # type: ignore[attr-defined]
        "const parts = [...document.querySelectorAll("
        "  '.masthead .brand, .masthead nav a, .masthead .search-box button')]"
        "  .map(p => p.getBoundingClientRect()).sort((a, b) => a.top - b.top);"
        "let rows = 0, bottom = -Infinity;"
        "for (const p of parts) {"
        "  if (p.top >= bottom) rows++;"
        "  bottom = Math.max(bottom, p.bottom);"
        "}"
        "return rows;"
    )
    assert rows <= 2
    assert visible(driver, ".masthead nav a") == [
        "Today",
        "Archive",
        "Tags",
        "Sources",
        "About",
        "RSS",
    ]
    # The search box's button: the search page, whether or not a word was typed.
    driver.find_element(By.CSS_SELECTOR, ".masthead .search-box button").click()  # type: ignore[attr-defined]
    wait(driver, "location.pathname.endsWith('/search/')")
    assert driver.execute_script("return document.querySelector('h1').textContent") == "Search"  # type: ignore[attr-defined]


def test_the_contents_are_one_tap_away_on_a_phone_and_shown_on_a_wide_screen(
    site_url: str, driver: object
) -> None:
    from selenium.webdriver.common.by import By

    screen(driver, PHONE)
    driver.get(site_url)  # type: ignore[attr-defined]
    titles = visible(driver, "article.story h3")  # the stories, in the page's order
    assert sorted(titles) == sorted(title for title, _, _ in ITEMS)
    assert visible(driver, ".toc summary") == ["6 items"]
    assert visible(driver, ".toc li") == []
    driver.find_element(By.CSS_SELECTOR, ".toc summary").click()  # type: ignore[attr-defined]
    assert visible(driver, ".toc li") == titles
    # Numbered 1 to 6 as drawn: the list's own numbers, not text in the items.
    numbers = driver.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('.toc li')].filter(l => l.checkVisibility())"
        ".map(l => l.parentElement.start + [...l.parentElement.children].indexOf(l));"
    )
    assert numbers == [1, 2, 3, 4, 5, 6]

    screen(driver, DESKTOP)
    driver.get(site_url)  # type: ignore[attr-defined]
    assert visible(driver, ".toc summary") == []
    assert visible(driver, ".toc li") == titles
    assert visible(driver, ".toc h3") == ["Top stories", "World", "Economy"]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_search_filters_start_folded_and_open_for_a_filter_in_the_address(
    site_url: str, driver: object, size: tuple[int, int]
) -> None:
    screen(driver, size)
    driver.get(site_url + "search/?q=gas")  # type: ignore[attr-defined]
    wait(driver, "document.querySelectorAll('#search-results li').length > 0")
    assert driver.execute_script("return document.getElementById('search-options').open") is False  # type: ignore[attr-defined]
    assert visible(driver, "#search-tag") == []

    driver.get(site_url + "search/?q=gas&tag=energy")  # type: ignore[attr-defined]
    wait(driver, "document.querySelectorAll('#search-results li').length > 0")
    assert driver.execute_script("return document.getElementById('search-options').open") is True  # type: ignore[attr-defined]
    tag = driver.execute_script(  # type: ignore[attr-defined]
        "const s = document.getElementById('search-tag');return [s.value, s.checkVisibility()];"
    )
    assert tag == ["energy", True]
    assert visible(driver, "#search-results h2") == [ITEMS[5][0]]

    # An order other than the best match first, too: the reader sees why.
    driver.get(site_url + "search/?q=gas&sort=newest")  # type: ignore[attr-defined]
    wait(driver, "document.querySelectorAll('#search-results li').length > 0")
    assert visible(driver, "#search-sort") == ["Best match firstNewest first"]


def test_folded_and_opened_on_a_phone_pass_axe(site_url: str, driver: object) -> None:
    if not AXE.is_file():
        pytest.skip(f"needs axe-core: npm install --prefix .ci axe-core (looked for {AXE})")
    from selenium.webdriver.common.by import By

    axe = AXE.read_text(encoding="utf-8")
    screen(driver, PHONE)
    problems: list[str] = []
    for path, tap in (("", None), ("", ".toc summary"), ("search/?q=gas&tag=energy", None)):
        driver.get(site_url + path)  # type: ignore[attr-defined]
        if path.startswith("search"):
            wait(driver, "document.getElementById('search-options').open")
        if tap:
            driver.find_element(By.CSS_SELECTOR, tap).click()  # type: ignore[attr-defined]
        driver.execute_script(axe)  # type: ignore[attr-defined]
        violations = driver.execute_async_script(RUN_AXE)  # type: ignore[attr-defined]
        problems += [f"/{path} {tap or ''}: {v}" for v in violations]
    assert problems == []
