"""Share CPU-bound stages across processes: parsing, Markdown, and rendering pages.

Workers are forked, so they inherit the site model, the theme and the Jinja
environment as they are in memory; only a shard number goes in and only small
results come back (parsed records, or the digests of the pages a worker wrote
itself). Output is identical to a single-process build: nothing a worker makes
depends on which worker made it, and results are merged in order.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

#: Below this many pieces of work a pool costs more than it saves.
MIN_WORK = 400


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def usable(jobs: int, work: int) -> bool:
    """Whether to fork: more than one job, enough work, and a platform that forks."""
    return jobs > 1 and work >= MIN_WORK and "fork" in multiprocessing.get_all_start_methods()


def _die_with(parent: int) -> None:
    """Be killed when the parent dies (Linux): a worker of a build killed with ``kill -9``
    must not go on writing, nor block for ever on a pipe nobody reads."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # not Linux: a worker ends when it finds its pipe closed
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the line above took effect


#: prctl(2): the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def _work(
    task: Callable[[int, int], Any], index: int, count: int, send: Connection, parent: int
) -> None:
    """A worker's whole life: one shard of the task, its result sent back."""
    # Ctrl-C is the parent's to handle, and SIGTERM (how the parent stops its workers)
    # must kill, whatever handlers the parent had installed when it forked.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    try:
        outcome: tuple[str, Any] = ("done", task(index, count))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        outcome = ("failed", (exc, traceback.format_exc()))
    send.send(outcome)
    send.close()


def sharded(task: Callable[[int, int], T], jobs: int) -> list[T]:
    """``task(i, jobs)`` for every shard i, each in a forked process, results in shard order.

    Forked processes get ``task`` as it is in memory, never pickled; a worker that
    fails raises its exception here, and one that dies is an error, never a hang.
    """
    context = multiprocessing.get_context("fork")
    workers: list[tuple[Any, Connection]] = []
    try:
        for index in range(jobs):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_work, args=(task, index, jobs, send, os.getpid()), daemon=True
            )
            process.start()
            send.close()
            workers.append((process, receive))
        results: list[T] = []
        for process, receive in workers:
            try:
                kind, value = receive.recv()
            except EOFError:
                raise RuntimeError(
                    f"a worker process died (exit code {process.join() or process.exitcode})"
                ) from None
            if kind == "failed":
                error, trace = value
                raise error from RuntimeError(f"in a worker process:\n{trace}")
            results.append(value)
        return results
    finally:
        for process, receive in workers:
            receive.close()
            if process.is_alive():
                process.terminate()
            process.join()


def spread(
    work: Sequence[Any],
    do: Callable[[Any], T],
    jobs: int,
    send: Callable[[T], Any] | None = None,
    receive: Callable[[Any], T] | None = None,
) -> list[T]:
    """``do`` applied to every piece of ``work``, shared across ``jobs`` processes when worth it.

    ``send`` and ``receive`` turn a result into what crosses the pipe and back: pickling
    frozen dataclasses field by field costs more than the work itself (at 100,000
    items, a minute), while a few strings cross in no time.
    """
    if not usable(jobs, len(work)):
        return [do(piece) for piece in work]
    there = send or (lambda result: result)
    back = receive or (lambda sent: sent)
    parts = sharded(lambda index, count: [there(do(piece)) for piece in work[index::count]], jobs)
    result: list[T] = [None] * len(work)  # type: ignore[list-item]
    for index, part in enumerate(parts):
        result[index::jobs] = [back(sent) for sent in part]
    return result
