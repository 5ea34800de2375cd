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
    # Ended by briefing itself (pagefind.closed): the poll task, and the asyncio
    # process's transport, closed while the loop still runs.
    assert "self._poll_task" in source
    assert "_transport" in inspect.getsource(asyncio.subprocess.Process.__init__)


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


@pytest.mark.slow
def test_a_service_killed_while_it_works_ends_quietly(tmp_path: object) -> None:
    """serve's Ctrl-C kills Pagefind mid-index: the requests fail, the process is reaped
    and its pipes closed while the loop runs, with nothing printed after the loop ends."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import asyncio, os, signal
        from generator.search import pagefind
        from generator.search.documents import SearchDocument
        documents = [SearchDocument(f"p{n}/index.html", "<html><body><main data-pagefind-body>"
                     f"<p>{'words ' * 200}{n}</p></main></body></html>") for n in range(3000)]
        made = []
        launch = asyncio.create_subprocess_exec
        async def recorded(*args, **kwargs):
            made.append(await launch(*args, **kwargs))
            return made[-1]
        asyncio.create_subprocess_exec = recorded
        def started(pid):
            asyncio.get_running_loop().call_later(0.3, os.kill, pid, signal.SIGKILL)
        async def main():
            try:
                await pagefind.index_files(documents, "en", started)
            except Exception as exc:  # the pipe broke, or a request failed: either says so
                print("stopped:", type(exc).__name__)
            (process,) = made
            # Still inside the loop: the process reaped and its pipes closed already, so
            # that nothing is left for finalizers to do on a closed loop.
            print("reaped:", process.returncode is not None, process._transport.is_closing())
        asyncio.run(main())
        import gc; gc.collect()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.startswith("stopped: "), result
    assert result.stdout.splitlines()[-1] == "reaped: True True", result.stdout
    assert result.stderr == "", result.stderr
