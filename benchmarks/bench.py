"""Time briefing builds on the shared benchmark corpus, and Hugo on the same items.

    python benchmarks/bench.py --items 1000 --runs 3
    python benchmarks/bench.py --items 10000 --runs 3 --hugo
    python benchmarks/bench.py --items 10000 --runs 1 --scenarios serve
    python benchmarks/bench.py --items 100000 --runs 1 --hugo --scenarios cold
    python benchmarks/bench.py --items 10000 --runs 3 --stories 300 --scenarios warm,recent

The corpus comes from ../shared/bench/make_corpus.py (deterministic, so figures
compare across the team) and is kept in --work (default /tmp/briefing-bench) for
reuse. Each build scenario runs `briefing build` as a fresh process, --runs times:

  cold    no output, staging folder or cache (--clean)
  warm    nothing changed since the last build
  edit    one item's body changed (the first incremental build after cold, which
          also fills the staging folder with hard links)
  edit2   the same item's body changed again right after: the steady state
  add     one new item
  recent  the newest item's body changed (where nearly every edit lands: one small
          part of the search index is made again)
  archive the oldest item's body changed (its part of the index, in the archive)

A round runs the build scenarios in that order, each after the ones before it
(run but not reported when left out of --scenarios), so a figure means the same
whatever subset is chosen; `--scenarios cold` runs the cold build alone.

  serve   --runs real `briefing serve --port 0` processes, each: the time from its
          start to its "Serving" line (the first build), then --serve-edits times one
          sentence appended to the newest item, and as many to the middle one (in the
          archive's part of the search index), each timed from the write until the
          item's page, polled over HTTP every 5 ms, contains it and until the search
          index holds it, 2 s apart (an editor saving every few seconds: the next edit
          finds serve idle); then Ctrl-C
          (SIGINT), which must stop it within 5 s (else it is killed and that is
          reported). Its temporary build folder goes in --work/serve-tmp.

  search  the search index of the last build (a clean build first, if there is
          none): its files and bytes, and in headless Chromium (Debian's chromium and
          chromium-driver, with selenium) the bytes the search page fetches from
          /pagefind/ for a first query and for a second one, as a reader's browser
          downloads them (Pagefind's files are compressed already). The time
          Pagefind takes is the `search` stage of the cold build.

  email   the emails of the last build (a clean build first, if there is none):
          their editions, files and bytes, and the largest HTML part; then
          --runs times `briefing email --all` (every edition's email for this
          build, on top of it) and `briefing email` (back to the newest only).

  pictures  a site of the corpus's first 50 items, each with a 3000x2000 JPEG lead
          picture (drawn deterministically, made once in --work): --runs times a
          `--clean` build, which resizes every picture, then a build into a new
          --output folder, which takes the copies kept in .briefing-cache/pictures/
          (what each `briefing serve` does when it starts).

It prints the median wall time, peak RSS and files written of each build scenario,
the median time of each stage of the cold build, the serve figures, and, with
--hugo, Hugo's cold build of the same items and the ratio of each time to it.
Figures are medians of this run only: machines are shared and noisy, so compare
ratios measured together.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
HUGO_ANCHOR = REPO.parent / "shared" / "bench" / "anchors" / "hugo"

SITE_YAML = """\
title: Briefings
url: https://briefings.example/
timezone: UTC
paginate: 10
feed_items: 20
"""

#: Build scenarios in the order a round runs them; each depends on the ones before.
BUILD_CHAIN = ("cold", "warm", "edit", "edit2", "add", "recent", "archive")
SCENARIOS = (*BUILD_CHAIN, "serve", "search", "email", "pictures")
#: The pictures scenario's site: this many of the corpus's items, each with a photo.
PICTURES = 50
#: What the search scenario looks for: words of the corpus's bodies (tags are filters).
SEARCH_QUERIES = ("pension funds", "electricity")

#: How often the served page is polled after an edit.
POLL_SECONDS = 0.005
#: Limits for `briefing serve`: its first build, one edit reaching the page, Ctrl-C.
START_TIMEOUT = 900.0
EDIT_TIMEOUT = 60.0
STOP_TIMEOUT = 5.0


@dataclass
class Run:
    seconds: float
    peak_mib: float
    output: str


def run(command: list[str], cwd: Path) -> Run:
    """Run a command to completion; wall time and the child's own peak resident memory."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)  # fmt: skip
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # reaps the child and gives its own rusage
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    if proc.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{output}")
    return Run(seconds, usage.ru_maxrss / 1024, output)


def corpus(
    items: int, work: Path, fmt: str = "yaml", stories: int = 0, languages: bool = False
) -> Path:
    """The corpus of ``items`` items in ``fmt`` (about 30% of them in ``stories``
    running stories, when given; every second one in Ukrainian with ``languages``),
    made once and reused."""
    folder = work / (
        f"{fmt}-{items}" + (f"-stories-{stories}" if stories else "") + ("-uk" if languages else "")
    )
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        more = ["--stories", str(stories)] if stories else []
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(items), str(folder), "--format", fmt,
                        *more], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        if fmt == "yaml":
            (folder / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
            if languages:
                in_two_languages(folder)
        else:
            shutil.copytree(HUGO_ANCHOR, folder, dirs_exist_ok=True)
        marker.touch()
    return folder


def in_two_languages(folder: Path) -> None:
    """The corpus as a site in English and Ukrainian: every second item (in file name
    order) is Ukrainian, under /uk/ with its own editions, tags, feeds and index."""
    with (folder / "site.yaml").open("a", encoding="utf-8") as site_yaml:
        site_yaml.write("languages: {en: {}, uk: {title: Брифінг}}\n")
    for path in sorted((folder / "content").glob("*.md"))[1::2]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("---\n", "---\nlang: uk\n", 1), encoding="utf-8")


def median(values: list[float]) -> float:
    return statistics.median(values)


def briefing(site: Path, *extra: str) -> Run:
    return run([sys.executable, "-m", "generator", "build", "-v", *extra], site)


def stages(output: str) -> dict[str, float]:
    return {name: float(ms) / 1000 for name, ms in re.findall(r"^\s+(\w+)\s+([\d.]+) ms$",
                                                              output, re.M)}  # fmt: skip


def files_written(output: str) -> int:
    found = re.search(r"\((\d+) written", output)
    return int(found.group(1)) if found else -1


def middle_item(site: Path) -> Path:
    """The item the edit scenarios change: the middle one of the sorted content files."""
    items = sorted((site / "content").glob("*.md"))
    return items[len(items) // 2]


@dataclass
class Changes:
    """The files the build scenarios change, and the text to put back."""

    victim: Path
    original: str
    added: Path
    #: The newest and the oldest item, with their texts.
    ends: dict[str, tuple[Path, str]]

    @classmethod
    def of(cls, site: Path) -> Changes:
        victim = middle_item(site)
        added = site / "content" / "zz-bench-added-item.md"
        dated = sorted((item_date(item), item) for item in (site / "content").glob("*.md"))
        ends = {
            step: (item, item.read_text(encoding="utf-8"))
            for step, (_, item) in (("recent", dated[-1]), ("archive", dated[0]))
        }
        return cls(victim, victim.read_text(encoding="utf-8"), added, ends)

    def make(self, step: str, number: int) -> None:
        """Make the change that ``step`` measures, in round ``number``."""
        if step == "edit":
            self.victim.write_text(self.original + f"\nOne more sentence, edit {number}.\n",
                                   encoding="utf-8")  # fmt: skip
        elif step == "edit2":
            # As many words as edit's sentence: the same pages change (reading times).
            self.victim.write_text(self.original + f"\nOne more sentence, again {number}.\n",
                                   encoding="utf-8")  # fmt: skip
        elif step in self.ends:
            item, text = self.ends[step]
            item.write_text(text + f"\nOne more sentence, {step} {number}.\n", encoding="utf-8")
        elif step == "add":
            self.added.write_text(
                self.original.replace("title: ", f"title: Added {number} ", 1).replace(
                    'source: "https://', f'source: "https://added{number}.', 1
                ),
                encoding="utf-8",
            )

    def undo(self) -> None:
        self.victim.write_text(self.original, encoding="utf-8")
        for item, text in self.ends.values():
            item.write_text(text, encoding="utf-8")
        self.added.unlink(missing_ok=True)


def bench_briefing(site: Path, runs: int, jobs: str | None, wanted: set[str]
                   ) -> dict[str, list[Run]]:  # fmt: skip
    """The build scenarios in ``wanted``, with the steps they depend on run unreported."""
    jobs_args = ["--jobs", jobs] if jobs else []
    last = max((BUILD_CHAIN.index(name) for name in wanted if name in BUILD_CHAIN), default=-1)
    steps = BUILD_CHAIN[: last + 1]
    results: dict[str, list[Run]] = {name: [] for name in steps if name in wanted}
    if not steps:
        return results
    changes = Changes.of(site)
    try:
        for number in range(runs):
            # Cold means no output, no staging folder left by the last round, no cache.
            for folder in ("_site", "._site.stage", ".briefing-cache"):
                shutil.rmtree(site / folder, ignore_errors=True)
            for step in steps:
                changes.make(step, number)
                result = briefing(site, *(["--clean"] if step == "cold" else []), *jobs_args)
                if step in results:
                    results[step].append(result)
            if set(steps) & {"edit", "edit2", "add", "recent", "archive"}:  # back to the corpus
                changes.undo()
                briefing(site, *jobs_args)
    finally:
        changes.undo()
    return results


def bench_hugo(items: int, work: Path, runs: int) -> tuple[list[Run], list[Run]]:
    """Hugo's cold builds, and the Pagefind CLI (from the pagefind package briefing uses)
    over each build's output, as a Hugo site with search is made."""
    site = corpus(items, work, "hugo")
    out = work / f"hugo-out-{items}"
    times, indexes = [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(site / "resources", ignore_errors=True)
        times.append(run(["hugo", "--quiet", "--source", str(site), "--destination", str(out)],
                         site))  # fmt: skip
        indexes.append(run([sys.executable, "-m", "pagefind", "--site", str(out)], site))
    return times, indexes


def item_path(item: Path) -> str:
    """A corpus item's page: /{year}/{month}/{day}/{slug}/, its date taken in UTC, under
    its language's folder (/uk/) when it is not in the default one (``--languages``).

    That is the default permalink and the bench site's timezone; make_corpus file
    names are the bare slug.
    """
    lang = re.search(r"^lang:\s*(\S+)\s*$", item.read_text(encoding="utf-8"), re.M)
    folder = f"/{lang.group(1).lower()}" if lang else ""
    return f"{folder}/{item_date(item):%Y/%m/%d}/{item.stem}/"


def item_date(item: Path) -> datetime:
    """A corpus item's date, in UTC."""
    found = re.search(r"^date:\s*(.+?)\s*$", item.read_text(encoding="utf-8"), re.M)
    if found is None:
        sys.exit(f"{item}: no date: line")
    return datetime.fromisoformat(found.group(1).strip("\"'")).astimezone(UTC)


#: Straight to 127.0.0.1, whatever http_proxy says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str) -> tuple[int, bytes]:
    """Status and body of a GET; status 0 when the server did not answer."""
    try:
        with _OPENER.open(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def served_at(url: str, needle: bytes, timeout: float) -> float | None:
    """The perf_counter time at which ``url`` first answered with ``needle`` in its body."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if needle in fetch(url)[1]:
            return time.perf_counter()
        time.sleep(POLL_SECONDS)
    return None


class Server:
    """A `briefing serve` process whose output is read on a thread, so its pipe never fills."""

    def __init__(self, site: Path, jobs: str | None, tmp: Path) -> None:
        command = [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0"]
        self.started = time.perf_counter()
        # A session of its own: the kill of last resort can then take any workers it left too.
        # Its build folder goes in ``tmp``, so that what a killed serve leaves can be removed.
        self.proc = subprocess.Popen(
            command + (["--jobs", jobs] if jobs else []), cwd=site, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)},
        )  # fmt: skip
        self.output: list[str] = []
        #: (time read, line) as they come; None at the end of the output.
        self.lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line.rstrip("\n"))
            self.lines.put((time.perf_counter(), line))
        self.lines.put(None)

    def wait_for(self, pattern: str, timeout: float) -> tuple[float, re.Match[str]] | None:
        """The next line matching ``pattern``, and when it was read; None if none came."""
        deadline = time.perf_counter() + timeout
        while (left := deadline - time.perf_counter()) > 0:
            try:
                entry = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if entry is None:
                return None
            if found := re.search(pattern, entry[1]):
                return entry[0], found
        return None

    def stop(self, problems: list[str]) -> tuple[float, float]:
        """Ctrl-C it and reap it: seconds to exit and its peak RSS in MiB."""
        pid = self.proc.pid
        started = time.perf_counter()
        # os.kill and os.wait4, not Popen's methods: those reap it and lose its rusage.
        os.kill(pid, signal.SIGINT)
        done, status, usage = os.wait4(pid, os.WNOHANG)
        while not done and time.perf_counter() - started < STOP_TIMEOUT:
            time.sleep(0.01)
            done, status, usage = os.wait4(pid, os.WNOHANG)
        seconds = time.perf_counter() - started
        if not done:
            problems.append(f"serve still running {STOP_TIMEOUT:g} s after SIGINT; killed")
            os.killpg(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        if done and self.proc.returncode:
            problems.append(f"serve exited with status {self.proc.returncode} on SIGINT")
        try:
            os.killpg(pid, signal.SIGKILL)  # raises if nothing of its session is left
            problems.append("processes of serve's session outlived it; killed")
        except ProcessLookupError:
            pass
        self.reader.join(timeout=5)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return seconds, usage.ru_maxrss / 1024


@dataclass
class ServeRun:
    """One `briefing serve` process: its start, the edits it served, its stop."""

    startup: float = 0.0
    #: Seconds serve itself reports for its first build (the rest of startup: imports,
    #: a second build for changes made meanwhile, preparing the staging folder).
    first_build: float | None = None
    #: Seconds from each write to the first response holding the new sentence, by the
    #: item edited: "newest" (where nearly every edit lands) and "middle" (the archive).
    latencies: dict[str, list[float]] = field(default_factory=dict)
    #: Seconds serve itself reports for each rebuild after the "Serving" line.
    rebuilds: list[float] = field(default_factory=list)
    stop: float = 0.0
    peak_mib: float = 0.0
    problems: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    #: Seconds from start until the search index holds the first build's words.
    index_ready: float | None = None
    #: Seconds from each write until the preview's search index holds it, by item.
    searchable: dict[str, list[float]] = field(default_factory=dict)


def serve_state(origin: str) -> dict[str, int]:
    """serve's state: its build numbers, and the build whose words the index holds."""
    status, body = fetch(f"{origin}/__briefing__/state")
    found = json.loads(body) if status == 200 else {}
    return {"good": int(found.get("good", -1)), "search": int(found.get("search", -2))}


def indexed_at(origin: str, after: int, timeout: float) -> float | None:
    """The time at which the index holds a good build newer than ``after``, all caught up."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        state = serve_state(origin)
        if state["good"] > after and state["search"] == state["good"]:
            return time.perf_counter()
        time.sleep(POLL_SECONDS)
    return None


def serve_round(site: Path, tmp: Path, jobs: str | None, edits: int, number: int) -> ServeRun:
    """Start serve; edit the newest item ``edits`` times, then the middle one, and time
    each until served and searchable; stop serve."""
    result = ServeRun()
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    dated = sorted((item_date(item), item) for item in (site / "content").glob("*.md"))
    victims = {"newest": dated[-1][1], "middle": middle_item(site)}
    originals = {name: victim.read_text(encoding="utf-8") for name, victim in victims.items()}
    server = Server(site, jobs, tmp)
    try:
        ready = server.wait_for(r" at (http://\S+)", START_TIMEOUT)
        if ready is None:
            result.problems.append("no 'Serving ... at http://' line")
            return result
        result.startup = ready[0] - server.started
        root = ready[1].group(1).rstrip("/")
        origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(root))
        ready_at = indexed_at(origin, 0, START_TIMEOUT)
        if ready_at is not None:
            result.index_ready = ready_at - server.started
        for name, victim in victims.items():
            url = root + item_path(victim)
            served, searchable = serve_edits(victim, originals[name], url, edits, number, result)
            result.latencies[name], result.searchable[name] = served, searchable
        time.sleep(1.0)  # a rebuild serve had not reported yet prints its line meanwhile
    finally:
        result.stop, result.peak_mib = server.stop(result.problems)
        for name, victim in victims.items():
            victim.write_text(originals[name], encoding="utf-8")
        result.output = server.output
        # serve hands a large build folder to a detached process to delete: allow it time.
        deadline = time.monotonic() + 30
        while any(tmp.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.2)
        if any(tmp.iterdir()) and server.proc.returncode == 0:
            result.problems.append("serve exited but left its build folder behind (after 30 s)")
        shutil.rmtree(tmp, ignore_errors=True)
    read_serve_output(result)
    return result


def serve_edits(victim: Path, original: str, url: str, edits: int, number: int,
                result: ServeRun) -> tuple[list[float], list[float]]:  # fmt: skip
    """Edit ``victim`` ``edits`` times: the seconds from each write until its page is
    served, and until the search index holds it."""
    origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url))
    status, _ = fetch(url)
    if status != 200:
        result.problems.append(f"GET {url} answered {status} before any edit")
        return [], []
    latencies, searchables = [], []
    for edit in range(edits):
        # Letters and digits only, so that no typography or escaping changes it.
        sentence = f"Serve probe {os.getpid()} round {number} edit {edit} here."
        before = serve_state(origin)["good"]
        written = time.perf_counter()
        victim.write_text(original + f"\n{sentence}\n", encoding="utf-8")
        served = served_at(url, sentence.encode(), EDIT_TIMEOUT)
        if served is None:
            result.problems.append(f"edit {edit} of {victim.name} not served after "
                                   f"{EDIT_TIMEOUT:.0f} s")  # fmt: skip
            break
        latencies.append(served - written)
        searchable = indexed_at(origin, before, EDIT_TIMEOUT)
        if searchable is not None:
            searchables.append(searchable - written)
        # An editor saves every few seconds: the next edit finds serve idle, done with
        # the rebuild that confirms this one (back-to-back edits wait for it).
        time.sleep(SERVE_PAUSE)
    return latencies, searchables


def read_serve_output(result: ServeRun) -> None:
    """Rebuild times from serve's own lines; anything unexpected in them is a problem."""
    serving = next((i for i, line in enumerate(result.output) if line.startswith("Serving ")),
                   len(result.output))  # fmt: skip
    expected = re.compile(r"^(built .* in \d+ ms|Serving .*|stopped)$")
    for index, line in enumerate(result.output):
        rebuilt = re.match(r"^built .* in (\d+) ms$", line)
        if rebuilt and index > serving:
            result.rebuilds.append(int(rebuilt.group(1)) / 1000)
        elif rebuilt and result.first_build is None:
            result.first_build = int(rebuilt.group(1)) / 1000
        elif not expected.match(line):
            result.problems.append(f"serve printed: {line}")
    served = sum(len(times) for times in result.latencies.values())
    if len(result.rebuilds) != served:
        result.problems.append(
            f"{len(result.rebuilds)} rebuilds reported for {served} edits served"
        )


#: Seconds between two edits of the serve scenario.
SERVE_PAUSE = 2.0


def bench_serve(site: Path, work: Path, runs: int, jobs: str | None, edits: int
                ) -> list[ServeRun]:  # fmt: skip
    tmp = work / "serve-tmp"
    return [serve_round(site, tmp, jobs, edits, number) for number in range(runs)]


def print_table(results: dict[str, list[Run]], serves: list[ServeRun], hugo: float | None
                ) -> None:  # fmt: skip
    print(f"\n{'scenario':<8} {'median s':>9} {'peak MiB':>9} {'written':>8} {'search s':>8}"
          + (f" {'x Hugo':>7}" if hugo else ""))  # fmt: skip
    rows = [(name, median([r.seconds for r in runs]), median([r.peak_mib for r in runs]),
             f"{median([files_written(r.output) for r in runs]):8.0f} "
             f"{median([stages(r.output).get('search', 0.0) for r in runs]):8.2f}")
            for name, runs in results.items()]  # fmt: skip
    started = [s for s in serves if s.startup]  # its time: the first build, to "Serving"
    if started:
        rows.append(("serve", median([s.startup for s in started]),
                     median([s.peak_mib for s in started]), f"{'-':>8} {'-':>8}"))  # fmt: skip
    for name, seconds, peak, written in rows:
        line = f"{name:<8} {seconds:9.2f} {peak:9.0f} {written}"
        if hugo:
            line += f" {seconds / hugo:7.2f}"
        print(line)
    if hugo:
        print(f"{'hugo':<8} {hugo:9.2f}")


def print_hugo(hugo_runs: list[Run], pagefind_runs: list[Run]) -> None:
    both = [h.seconds + p.seconds for h, p in zip(hugo_runs, pagefind_runs, strict=True)]
    peak = max(median([r.peak_mib for r in hugo_runs]), median([r.peak_mib for r in pagefind_runs]))
    alone = median([r.seconds for r in pagefind_runs])
    print(f"{'hugo+pf':<8} {median(both):9.2f} {peak:9.0f}   (Pagefind CLI alone {alone:.2f} s)")


def print_stages(cold_runs: list[Run]) -> None:
    cold = [stages(r.output) for r in cold_runs]
    print("\ncold build, median seconds per stage:")
    for stage in cold[0]:
        print(f"  {stage:<10} {median([s.get(stage, 0.0) for s in cold]):7.2f}")


def print_serve(serves: list[ServeRun], edits: int) -> None:
    def figure(label: str, values: list[float], unit: str) -> None:
        if not values:
            print(f"  {label:<24} -")
            return
        scale, digits = (1000, 0) if unit == "ms" else (1, 2)
        print(f"  {label:<24} median {median(values) * scale:7.{digits}f} {unit:<2}"
              f"  max {max(values) * scale:7.{digits}f} {unit}")  # fmt: skip

    def each(field: str, name: str) -> list[float]:
        return [t for s in serves for t in getattr(s, field).get(name, [])]

    served = sum(len(each("latencies", name)) for name in ("newest", "middle"))
    print(f"\nserve, {len(serves)} processes x {edits} edits of the newest item and of the "
          f"middle one ({served} served):")  # fmt: skip
    figure('start to "Serving"', [s.startup for s in serves if s.startup], "s")
    figure("serve's own first build", [s.first_build for s in serves if s.first_build], "s")
    figure("write to page served", each("latencies", "newest") + each("latencies", "middle"),
           "ms")  # fmt: skip
    figure("serve's own rebuild", [t for s in serves for t in s.rebuilds], "ms")
    figure("start to index ready", [s.index_ready for s in serves if s.index_ready], "s")
    figure("searchable, newest item", each("searchable", "newest"), "ms")
    figure("searchable, middle item", each("searchable", "middle"), "ms")
    figure("SIGINT to exit", [s.stop for s in serves], "s")
    problems = [p for s in serves for p in s.problems]
    for problem in problems[:20]:
        print(f"  problem: {problem}")
    if len(problems) > 20:
        print(f"  ... and {len(problems) - 20} more problems")


@dataclass
class SearchFigures:
    files: int
    total_bytes: int
    #: Query, results, and bytes fetched from /pagefind/ for it, in the order run.
    queries: list[tuple[str, int, int]] = field(default_factory=list)


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, adding up the bytes sent from /pagefind/: Pagefind fetches from a
    web worker, whose requests the page's own performance entries do not list."""

    sent: list[int]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        if "/pagefind/" in self.path:
            self.sent.append(len(data))
        outputfile.write(data)


@dataclass
class EmailFigures:
    editions: int
    total_bytes: int
    largest: int
    every: float
    newest: float
    every_editions: int


def email_folders(output: Path) -> list[Path]:
    return sorted(p for p in (output / "email").iterdir() if p.is_dir())


def bench_email(site: Path, runs: int, jobs: str | None) -> EmailFigures:
    output = site / "_site"
    extra = ["--jobs", jobs] if jobs else []
    if not (output / "email").is_dir():
        briefing(site, "--clean", *extra)
    folders = email_folders(output)
    files = [f for folder in folders for f in folder.iterdir()]
    pages = [folder / "index.html" for folder in folders]
    every, newest = [], []
    count = 0
    for _ in range(runs):
        every.append(run(["briefing", "email", "--all", "-q", *extra], site).seconds)
        count = len(email_folders(output))
        newest.append(run(["briefing", "email", "-q", *extra], site).seconds)
    return EmailFigures(
        len(folders), sum(f.stat().st_size for f in files),
        max((p.stat().st_size for p in pages), default=0), median(every), median(newest), count,
    )  # fmt: skip


def print_email(figures: EmailFigures) -> None:
    print(
        f"\nemails of a build: {figures.editions} editions, "
        f"{figures.total_bytes / 1024:.0f} KiB, largest HTML {figures.largest / 1024:.1f} KiB"
    )
    print(f"briefing email --all ({figures.every_editions} editions): {figures.every:.2f} s; "
          f"back to the newest: {figures.newest:.2f} s")  # fmt: skip


def picture_site(corpus_site: Path, work: Path) -> Path:
    """The first PICTURES items of the corpus, each in a folder with a large photo."""
    from PIL import Image, ImageDraw

    folder = work / f"pictures-{PICTURES}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content").mkdir(parents=True)
    shutil.copy(corpus_site / "site.yaml", folder / "site.yaml")
    for number, source in enumerate(sorted((corpus_site / "content").glob("*.md"))[:PICTURES]):
        text = source.read_text(encoding="utf-8")
        head, rest = text.split("\n", 1)  # "---", then the front matter
        item = folder / "content" / source.stem
        item.mkdir()
        (item / "index.md").write_text(
            f"{head}\nimage: {{src: photo.jpg, alt: Photo {number}}}\n{rest}", encoding="utf-8"
        )
        photo = Image.linear_gradient("L").resize((3000, 2000)).convert("RGB")
        draw = ImageDraw.Draw(photo)
        for step in range(0, 3000, 37):  # detail, so that resampling has work to do
            draw.line((step, 0, 3000 - step, 2000), fill=(step % 255, number * 5 % 255, 90))
        photo.save(item / "photo.jpg", "JPEG", quality=90)
    (folder / ".complete").touch()
    return folder


def bench_pictures(site: Path, work: Path, runs: int, jobs: str | None) -> tuple[float, float]:
    """Median seconds of a --clean build and of a build into a new output folder."""
    pictures = picture_site(site, work)
    extra = ["--jobs", jobs] if jobs else []
    clean, fresh = [], []
    for _ in range(runs):
        clean.append(briefing(pictures, "--clean", *extra).seconds)
        other = work / "pictures-output"
        shutil.rmtree(other, ignore_errors=True)
        fresh.append(briefing(pictures, "--output", str(other), *extra).seconds)
    return median(clean), median(fresh)


def print_pictures(clean: float, fresh: float) -> None:
    print(f"\n{PICTURES} items with a 3000x2000 photo: --clean build {clean:.2f} s (resizes "
          f"each), into a new output folder {fresh:.2f} s (takes the kept copies)")  # fmt: skip


def bench_search(site: Path, jobs: str | None) -> SearchFigures:
    output = site / "_site"
    if not (output / "pagefind" / "parts.json").is_file():
        briefing(site, "--clean", *(["--jobs", jobs] if jobs else []))
    bundle = [p for p in (output / "pagefind").rglob("*") if p.is_file()]
    figures = SearchFigures(len(bundle), sum(p.stat().st_size for p in bundle))
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"):  # fmt: skip
        options.add_argument(flag)
    sent: list[int] = []
    handler = type("Handler", (_CountingHandler,), {"sent": sent})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(output))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/search/")
        box = driver.find_element(By.ID, "search-query")
        for query in SEARCH_QUERIES:
            before = sum(sent)
            box.clear()
            box.send_keys(query)
            status = f"for “{query}”"
            WebDriverWait(driver, 60).until(
                lambda d, s=status: s in d.find_element(By.ID, "search-status").text
            )
            time.sleep(0.5)  # the ten results' excerpts, fetched after the count
            count = int(driver.find_element(By.ID, "search-status").text.split()[0])
            figures.queries.append((query, count, sum(sent) - before))
    finally:
        driver.quit()
        server.shutdown()
    return figures


def print_search(figures: SearchFigures) -> None:
    print(f"\nsearch index: {figures.files} files, {figures.total_bytes / 1024:.0f} KiB")
    for number, (query, count, fetched) in enumerate(figures.queries):
        which = "first query" if number == 0 else "then"
        print(f"  {which:<12} {query!r:<16} {count:6d} results, {fetched / 1024:7.1f} KiB fetched")


def scenarios(text: str) -> set[str]:
    chosen = {name.strip() for name in text.split(",") if name.strip()}
    unknown = chosen - set(SCENARIOS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown scenario {', '.join(sorted(unknown))}; choose from {','.join(SCENARIOS)}"
            if unknown else "no scenario given"
        )  # fmt: skip
    return chosen


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default=None, help="passed to briefing build/serve --jobs")
    parser.add_argument("--work", type=Path, default=Path("/tmp/briefing-bench"))
    parser.add_argument("--hugo", action="store_true", help="also time Hugo (needs `hugo`)")
    parser.add_argument("--stories", type=int, default=0, metavar="N",
                        help="put about 30%% of the items into N running stories")  # fmt: skip
    subset = f"comma-separated subset of {','.join(SCENARIOS)} (default: all)"
    parser.add_argument("--languages", action="store_true",
                        help="every second item in Ukrainian: a site in two languages")  # fmt: skip
    parser.add_argument("--scenarios", type=scenarios, default=set(SCENARIOS), help=subset)
    parser.add_argument("--serve-edits", type=int, default=5, metavar="N",
                        help="edits timed per serve process (default: 5)")  # fmt: skip
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.hugo and shutil.which("hugo") is None:
        sys.exit("--hugo: no `hugo` on PATH (Debian: apt-get install hugo)")

    site = corpus(args.items, args.work, stories=args.stories, languages=args.languages)
    chosen = ",".join(name for name in SCENARIOS if name in args.scenarios)
    in_stories = f" ({args.stories} running stories)" if args.stories else ""
    print(f"briefing on {args.items} items{in_stories}, {args.runs} runs each, "
          f"{os.cpu_count()} cores ({chosen})")  # fmt: skip
    results = bench_briefing(site, args.runs, args.jobs, args.scenarios)
    serves = []
    if "serve" in args.scenarios:
        serves = bench_serve(site, args.work, args.runs, args.jobs, args.serve_edits)
    search = bench_search(site, args.jobs) if "search" in args.scenarios else None
    emails = bench_email(site, args.runs, args.jobs) if "email" in args.scenarios else None
    pictures = None
    if "pictures" in args.scenarios:
        pictures = bench_pictures(site, args.work, args.runs, args.jobs)
    hugo = None
    if args.hugo:
        hugo_runs, pagefind_runs = bench_hugo(args.items, args.work, args.runs)
        hugo = median([r.seconds for r in hugo_runs])
        version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
        print(f"hugo: {version.strip()}")

    print_table(results, serves, hugo)
    if args.hugo:
        print_hugo(hugo_runs, pagefind_runs)
    if "cold" in results:
        print_stages(results["cold"])
    if serves:
        print_serve(serves, args.serve_edits)
    if search:
        print_search(search)
    if emails:
        print_email(emails)
    if pictures:
        print_pictures(*pictures)


if __name__ == "__main__":
    main()
