"""What briefing relies on in Pagefind's Python API beyond what it documents
(generator/search/pagefind.py): the service's backend process and the table of
requests waiting for answers, and the framing of its answers. pagefind is pinned in
pyproject.toml; a release that moves any of this fails here first."""

from __future__ import annotations

import asyncio
import inspect
import os
from importlib import metadata

import pytest

from generator.search import pagefind
from generator.search.documents import SearchDocument


def test_the_pinned_release() -> None:
    assert metadata.version("pagefind") == "1.5.2"


def test_the_service_has_the_parts_briefing_replaces_or_reads() -> None:
    from pagefind.service import PagefindService

    # Replaced: the loop that reads answers (Pagefind's sleeps 0.1 s before each).
    assert inspect.iscoroutinefunction(PagefindService._wait_for_responses)
    assert list(inspect.signature(PagefindService._wait_for_responses).parameters) == ["self"]
    source = inspect.getsource(inspect.getmodule(PagefindService))
    # Read: the requests waiting by message id, and the backend process (its pid, its
    # stdout, which carries base64 JSON answers separated by commas).
    for used in ("self._responses", "self._backend", "create_subprocess_exec", "b64decode"):
        assert used in source, used


def test_an_answer_reaches_the_request_it_answers() -> None:
    async def run() -> list[object]:
        loop = asyncio.get_running_loop()
        pending = {1: loop.create_future(), 2: loop.create_future()}
        pagefind.answer(pending, {"message_id": 2, "payload": {"type": "Indexed"}})
        pagefind.answer(pending, {"message_id": 1, "payload": {"type": "Error", "message": "x"}})
        pagefind.answer(pending, {"message_id": 9, "payload": {}})  # nobody waits: ignored
        return [pending[2].result(), pending[1].exception()]

    done, failed = asyncio.run(run())
    assert done == {"type": "Indexed"}
    assert isinstance(failed, RuntimeError) and str(failed) == "x"


@pytest.mark.slow
def test_a_real_service_indexes_documents_in_order_and_stops() -> None:
    pids: list[int] = []
    documents = [
        SearchDocument(f"{name}/index.html", f"<html><body><main data-pagefind-body>"
                       f"<h1>{name}</h1><p>Words about {name}.</p></main></body></html>")
        for name in ("alpha", "beta")
    ]  # fmt: skip
    files = asyncio.run(pagefind.index_files(documents, "en", pids.append))
    assert "pagefind-entry.json" in files and any(f.startswith("fragment/") for f in files)
    assert len(pids) == 1
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)  # the service is gone once the index is made
