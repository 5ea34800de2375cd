"""Time briefing builds on the shared benchmark corpus, and Hugo on the same items.

    python benchmarks/bench.py --items 1000 --runs 3
    python benchmarks/bench.py --items 10000 --runs 3 --hugo

The corpus comes from ../shared/bench/make_corpus.py (deterministic, so figures
compare across the team) and is kept in --work (default /tmp/briefing-bench) for
reuse. Each scenario runs `briefing build` as a fresh process, --runs times:

  cold    no output and no cache (--clean)
  warm    nothing changed since the last build
  edit    one item's body changed
  add     one new item

and prints the median wall time, peak RSS and files written, the median time of
each stage of the cold build, and, with --hugo, Hugo's cold build of the same
items and the ratio of each figure to it. Figures are medians of this run only:
machines are shared and noisy, so compare ratios measured together.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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


def corpus(items: int, work: Path, fmt: str = "yaml") -> Path:
    """The corpus of ``items`` items in ``fmt``, made once and reused."""
    folder = work / f"{fmt}-{items}"
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(items), str(folder), "--format", fmt],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        if fmt == "yaml":
            (folder / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        else:
            shutil.copytree(HUGO_ANCHOR, folder, dirs_exist_ok=True)
        marker.touch()
    return folder


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


def bench_briefing(site: Path, runs: int, jobs: str | None) -> dict[str, list[Run]]:
    jobs_args = ["--jobs", jobs] if jobs else []
    results: dict[str, list[Run]] = {"cold": [], "warm": [], "edit": [], "add": []}
    victim = sorted((site / "content").glob("*.md"))[
        len(list((site / "content").glob("*.md"))) // 2
    ]
    original = victim.read_text(encoding="utf-8")
    added = site / "content" / "zz-bench-added-item.md"
    try:
        for number in range(runs):
            shutil.rmtree(site / "_site", ignore_errors=True)
            shutil.rmtree(site / ".briefing-cache", ignore_errors=True)
            results["cold"].append(briefing(site, "--clean", *jobs_args))
            results["warm"].append(briefing(site, *jobs_args))
            victim.write_text(original + f"\nOne more sentence, edit {number}.\n", encoding="utf-8")
            results["edit"].append(briefing(site, *jobs_args))
            added.write_text(
                original.replace("title: ", f"title: Added {number} ", 1).replace(
                    'source: "https://', f'source: "https://added{number}.', 1
                ),
                encoding="utf-8",
            )
            results["add"].append(briefing(site, *jobs_args))
            added.unlink()
            victim.write_text(original, encoding="utf-8")
            briefing(site, *jobs_args)  # back to the corpus as made, for the next round
    finally:
        victim.write_text(original, encoding="utf-8")
        added.unlink(missing_ok=True)
    return results


def bench_hugo(items: int, work: Path, runs: int) -> list[Run]:
    site = corpus(items, work, "hugo")
    out = work / f"hugo-out-{items}"
    times = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(site / "resources", ignore_errors=True)
        times.append(run(["hugo", "--quiet", "--source", str(site), "--destination", str(out)],
                         site))  # fmt: skip
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default=None, help="passed to briefing build --jobs")
    parser.add_argument("--work", type=Path, default=Path("/tmp/briefing-bench"))
    parser.add_argument("--hugo", action="store_true", help="also time Hugo (needs `hugo`)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    site = corpus(args.items, args.work)
    print(f"briefing on {args.items} items, {args.runs} runs each, {os.cpu_count()} cores")
    results = bench_briefing(site, args.runs, args.jobs)
    hugo = None
    if args.hugo:
        if shutil.which("hugo") is None:
            sys.exit("--hugo: no `hugo` on PATH (Debian: apt-get install hugo)")
        hugo = median([r.seconds for r in bench_hugo(args.items, args.work, args.runs)])
        version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
        print(f"hugo: {version.strip()}")

    print(f"\n{'scenario':<8} {'median s':>9} {'peak MiB':>9} {'written':>8}"
          + (f" {'x Hugo':>7}" if hugo else ""))  # fmt: skip
    for name, runs in results.items():
        seconds = median([r.seconds for r in runs])
        line = (f"{name:<8} {seconds:9.2f} {median([r.peak_mib for r in runs]):9.0f} "
                f"{median([files_written(r.output) for r in runs]):8.0f}")  # fmt: skip
        if hugo:
            line += f" {seconds / hugo:7.2f}"
        print(line)
    if hugo:
        print(f"{'hugo':<8} {hugo:9.2f}")

    cold = [stages(r.output) for r in results["cold"]]
    print("\ncold build, median seconds per stage:")
    for stage in cold[0]:
        print(f"  {stage:<10} {median([s.get(stage, 0.0) for s in cold]):7.2f}")


if __name__ == "__main__":
    main()
