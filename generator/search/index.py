"""The search index: the site's search documents through Pagefind, as a bundle of files.

Pagefind's Python API runs its binary (from ``pagefind[bin]``) as a service and
talks to it over a pipe. Documents are sent one by one, in the site's order, so
that Pagefind numbers the pages the same way on every machine; its own
``add_directory`` would number them in the order the file system lists a
folder, which differs between machines. The bundle comes back through the pipe,
never touching the disk, and is made repeatable by :mod:`generator.search.bundle`.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any

from generator.errors import BuildFailed, OutputError
from generator.render.views import SEARCH_BUNDLE
from generator.search.bundle import repeatable
from generator.search.documents import SearchDocument, documents_digest
from generator.text.urls import OutputPath, link

#: Pagefind's ready-made interfaces, left out: a theme searches through pagefind.js, as
#: the default theme's search page does, and ships its own look (these are 410 KB of
#: scripts and styles no page would load).
PAGEFIND_UI = (
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
)
#: Documents in flight to the service at once: enough to keep it busy, little memory.
WINDOW = 64
HINT = (
    "install it with `pip install 'pagefind[bin]'`, or turn search off with "
    "`search: false` in site.yaml"
)


def engine_version() -> str:
    """Pagefind's version, part of the index's digest: a new Pagefind indexes afresh."""
    found = []
    for package in ("pagefind", "pagefind_bin", "pagefind_bin_extended"):
        try:
            found.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return " ".join(found) or "none"


def index_key(documents: Sequence[SearchDocument], language: str) -> str:
    """What an index is made from: the documents, the language and Pagefind's version.
    The same key, the same index."""
    return documents_digest(documents, f"{language}\0{engine_version()}")


def index_bundle(
    documents: Sequence[SearchDocument],
    language: str,
    started: Callable[[int], None] | None = None,
) -> dict[OutputPath, bytes]:
    """The bundle's files by output path (``pagefind/...``); raise BuildFailed if Pagefind
    is missing or fails. ``started`` is told the process id of Pagefind's service, for a
    caller in another thread that may have to stop it."""
    try:
        files = asyncio.run(_index(documents, language, started))
    except (ImportError, FileNotFoundError) as exc:
        raise _failed(f"Pagefind is not installed ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - Pagefind reports its errors as Exception
        raise _failed(f"Pagefind failed: {exc}") from None
    return {
        f"{SEARCH_BUNDLE}/{rel}": data
        for rel, data in sorted(repeatable(files).items())
        if not rel.startswith(PAGEFIND_UI)
    }


def _failed(message: str) -> BuildFailed:
    return BuildFailed([OutputError(f"cannot make the search index: {message}", hint=HINT)])


async def _index(
    documents: Sequence[SearchDocument], language: str, started: Callable[[int], None] | None
) -> dict[str, bytes]:
    from pagefind.service import PagefindService

    stopped = asyncio.Event()

    class Service(PagefindService):
        async def _wait_for_responses(self) -> None:
            await _answers(self, stopped)

    service = await Service().launch()
    if started is not None:
        started(service._backend.pid)
    try:
        index = await service.create_index({"force_language": language})
        window = asyncio.Semaphore(WINDOW)

        async def add(document: SearchDocument) -> None:
            # A semaphore wakes its waiters in order, so the documents reach Pagefind
            # in this order, and Pagefind numbers its pages in the order they arrive.
            async with window:
                if stopped.is_set():  # killed (serve stopping): write no more to its pipe
                    raise RuntimeError("the Pagefind service stopped")
                url = link("/", document.file.removesuffix("index.html"))
                await index.add_html_file(content=document.html, url=url)

        await asyncio.gather(*(add(document) for document in documents))
        # Through the pipe, not written to disk: Pagefind 1.5.2 answers that it wrote
        # the files before it has (Pagefind/pagefind#1272), and the build writes only
        # into its staging folder anyway.
        return {file["path"]: file["content"] for file in await index.get_files()}
    finally:
        await service.close()


async def _answers(service: Any, stopped: asyncio.Event) -> None:
    """The service's answers, each given to the request it answers.

    Pagefind's own loop sleeps a tenth of a second before reading each answer, which
    caps it at ten documents a second (17 minutes for 10,000 items), and reads an
    answer whole into a buffer of 2 MiB, which the index of a large site outgrows;
    this one reads answers as they come, of any size. When the service dies, every
    waiting request fails with it, rather than waiting for ever.
    """
    pending = service._responses
    stream = service._backend.stdout
    buffered = bytearray()
    try:
        while True:
            chunk = await stream.read(1 << 20)
            if not chunk:
                raise EOFError("it closed its output")
            buffered += chunk
            if b"," not in chunk:
                continue  # a long answer (the index's files) still coming in
            *answers, rest = bytes(buffered).split(b",")
            buffered = bytearray(rest)
            for raw in answers:
                _answer(pending, json.loads(base64.b64decode(raw)))
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - the pipe closed or spoke nonsense
        stopped.set()
        for future in pending.values():
            if not future.done():
                future.set_exception(RuntimeError(f"the Pagefind service stopped ({exc!r})"))


def _answer(pending: dict[int, asyncio.Future[Any]], answer: dict[str, Any]) -> None:
    waiting = pending.get(answer.get("message_id", -1))
    if waiting is None or waiting.done():
        return
    payload = answer["payload"]
    if payload.get("type") == "Error":
        waiting.set_exception(RuntimeError(payload.get("message", "unknown error")))
    else:
        waiting.set_result(payload)
