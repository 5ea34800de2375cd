"""Pagefind's service, driven through the parts of its Python API that it does not
document: the process it runs (its pid, its stdout) and the requests waiting for
answers, whose reading loop is replaced.

Pagefind 1.5.2 (pinned in pyproject.toml) is the release this follows; a new one is a
port of this file, and tests/search/test_pagefind.py says what it relies on.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from generator.search.documents import SearchDocument
from generator.text.urls import link

#: Documents in flight to the service at once: enough to keep it busy, little memory.
WINDOW = 64


async def index_files(
    documents: Sequence[SearchDocument], language: str, started: Callable[[int], None] | None
) -> dict[str, bytes]:
    from pagefind.service import PagefindService

    stopped = asyncio.Event()

    class Service(PagefindService):
        async def _wait_for_responses(self) -> None:
            await answers(self, stopped)

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
                # Killed (serve stopping): write no more to its pipe. Its closed stdin
                # is seen before its stdout's end: asyncio logs "pipe closed by peer"
                # from the fifth write into a closed pipe, and WINDOW may be more.
                stdin = service._backend.stdin
                if stopped.is_set() or stdin is None or stdin.is_closing():
                    raise RuntimeError("the Pagefind service stopped")
                url = link("/", document.file.removesuffix("index.html"))
                await index.add_html_file(content=document.html, url=url)

        await asyncio.gather(*(add(document) for document in documents))
        # Through the pipe, not written to disk: Pagefind 1.5.2 answers that it wrote
        # the files before it has (Pagefind/pagefind#1272), and the build writes only
        # into its staging folder anyway.
        return {file["path"]: file["content"] for file in await index.get_files()}
    finally:
        await closed(service)


async def closed(service: Any) -> None:
    """The service ended, its process waited for and its pipes closed, before the event
    loop closes. Pagefind's own ``close`` raises as soon as a request has failed (a
    service stopped by serve's Ctrl-C), leaving both: the pipes' finalizers then ran on
    a closed loop and printed "Exception ignored ... Event loop is closed"."""
    service._poll_task.cancel()
    for future in service._responses.values():
        if future.done() and not future.cancelled():
            future.exception()  # seen: never "Future exception was never retrieved"
        elif not future.done():
            future.cancel()
    backend = service._backend
    with contextlib.suppress(ProcessLookupError):
        backend.terminate()
    await backend.wait()
    transport = getattr(backend, "_transport", None)
    if transport is not None:
        transport.close()
    await asyncio.sleep(0)  # the pipes' closing callbacks run on this loop


async def answers(service: Any, stopped: asyncio.Event) -> None:
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
                answer(pending, json.loads(base64.b64decode(raw)))
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - the pipe closed or spoke nonsense
        stopped.set()
        for future in pending.values():
            if not future.done():
                future.set_exception(RuntimeError(f"the Pagefind service stopped ({exc!r})"))


def answer(pending: dict[int, asyncio.Future[Any]], answer: dict[str, Any]) -> None:
    waiting = pending.get(answer.get("message_id", -1))
    if waiting is None or waiting.done():
        return
    payload = answer["payload"]
    if payload.get("type") == "Error":
        waiting.set_exception(RuntimeError(payload.get("message", "unknown error")))
    else:
        waiting.set_result(payload)
