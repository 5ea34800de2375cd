"""An item's audio player as readers meet it: headless Chromium and axe-core on the
item's page in light and dark mode, and the player loading the published file."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator

import pytest
from conftest import ARTIFACTS, AXE, RUN_AXE, SITE_YAML, item, serve_pages, write_files

from generator.engine.build import build
from generator.engine.options import BuildOptions

#: Chromium on built pages.
pytestmark = pytest.mark.slow

BASE = "/briefing/"
PAGE = "2025/07/22/talks/"
#: What the player reads the file's length as, and what the editor says it is.
SECONDS = 2


def silence(seconds: int, rate: int = 8000) -> bytes:
    """A WAV file of ``seconds`` of silence: a sound Chromium plays, made here."""
    data = io.BytesIO()
    with wave.open(data, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * rate * seconds)
    return data.getvalue()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    top = tmp_path_factory.mktemp("audio")
    site = write_files(
        top / "site",
        {
            "site.yaml": SITE_YAML,
            "content/2025-07-22-talks/index.md": item(
                "Talks resume", audio="briefing.wav", audio_duration=str(SECONDS)
            ),
            "content/2025-07-22-talks/briefing.wav": silence(SECONDS),
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


def test_an_item_page_with_a_player_passes_axe_in_light_and_dark(
    site_url: str, browser: object
) -> None:
    driver: object = browser
    driver.set_window_size(800, 1200)  # type: ignore[attr-defined]
    axe = AXE.read_text(encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for scheme in ("light", "dark"):
        driver.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
        )
        driver.get(site_url + PAGE)  # type: ignore[attr-defined]
        driver.execute_script(axe)  # type: ignore[attr-defined]
        violations = driver.execute_async_script(RUN_AXE)  # type: ignore[attr-defined]
        problems += [f"{scheme}: {v}" for v in violations]
        driver.save_screenshot(str(ARTIFACTS / f"audio-item-{scheme}.png"))  # type: ignore[attr-defined]
    assert problems == []


def test_the_player_is_labelled_and_plays_the_published_file(
    site_url: str, browser: object
) -> None:
    driver: object = browser
    driver.get(site_url + PAGE)  # type: ignore[attr-defined]
    label, width, column = driver.execute_script(  # type: ignore[attr-defined]
        "const f = document.querySelector('figure.listen');"
        "return [f.querySelector('figcaption').innerText,"
        " f.querySelector('audio').getBoundingClientRect().width,"
        " f.getBoundingClientRect().width];"
    )
    assert label == "Listen · 0:02 · download (16 kB)"
    assert width == column  # as wide as the column, not the browser's 300 pixels
    # Nothing is fetched before the reader asks (preload="none"); asked, it loads.
    duration = driver.execute_async_script(  # type: ignore[attr-defined]
        "const done = arguments[arguments.length - 1];"
        "const a = document.querySelector('figure.listen audio');"
        "if (a.readyState !== 0) { done('loaded before it was asked: ' + a.readyState); }"
        "a.addEventListener('loadedmetadata', () => done(a.duration));"
        "a.addEventListener('error', () => done('error ' + a.error.code));"
        "a.preload = 'metadata'; a.load();"
    )
    assert duration == SECONDS
