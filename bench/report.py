"""The benchmark's figures: medians over rounds, ratios to the logged-in bare view, and the
Markdown written to docs/benchmarks.md (its "Latest run" and "Latest plans" sections only: the
rest of the file is written by hand)."""

from __future__ import annotations

import datetime
import os
import platform
import re
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench.wrk import Result

BARE = "bare-member"  # every page's throughput is divided by this one's, in the same run

LATEST = ("<!-- bench:latest:start -->", "<!-- bench:latest:end -->")
PLANS = ("<!-- bench:plans:start -->", "<!-- bench:plans:end -->")

TEMPLATE = f"""# Benchmarks

`make bench` (see the README) measures every key page under gunicorn in production mode, as a
ratio to a bare logged-in view measured in the same run, on generated worlds of two sizes.
`make bench-explain` adds the plans of the main queries of the pages whose cost used to grow
with the site. Both rewrite only their own section below; "Before" is written by hand.

## Before

(to be filled in by hand: the figures of issue 13 before its fixes)

{LATEST[0]}
{LATEST[1]}

{PLANS[0]}
{PLANS[1]}
"""


@dataclass
class PageFigures:
    name: str
    label: str
    path: str
    kind: str
    runs: list[Result] = field(default_factory=list)
    cpu: dict | None = None
    problem: str = ""  # why the page was not measured, e.g. its status before the runs

    @property
    def rps(self) -> float:
        return statistics.median(run.rps for run in self.runs) if self.runs else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(run.p50_ms for run in self.runs) if self.runs else 0.0

    @property
    def p99_ms(self) -> float:
        return statistics.median(run.p99_ms for run in self.runs) if self.runs else 0.0

    @property
    def failed(self) -> int:
        return sum(run.failed for run in self.runs)


@dataclass
class WorldFigures:
    label: str
    summary: dict
    pages: dict[str, PageFigures]

    def ratio(self, name: str) -> float | None:
        bare = self.pages.get(BARE)
        page = self.pages.get(name)
        if not bare or not page or not bare.runs or not page.runs or not bare.rps:
            return None
        return page.rps / bare.rps


def machine() -> dict[str, str]:
    cpu_model = platform.processor() or platform.machine()
    memory = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        if found := re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE):
            cpu_model = found.group(1).strip()
        meminfo = Path("/proc/meminfo").read_text()
        if found := re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE):
            memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"nproc": str(os.cpu_count()), "cpu": cpu_model, "memory": memory, "load": load}


def git_commit(root: Path) -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit}{' (with uncommitted changes)' if dirty else ''}"


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def world_table(world: WorldFigures, first: WorldFigures | None = None) -> str:
    compare = first is not None and first is not world
    head = "| page | req/s | ÷ bare | p50 ms | p99 ms | CPU ms | queries |"
    rule = "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    if compare:
        head += f" ÷ bare, {world.label} ÷ {first.label} |"
        rule += " ---: |"
    lines = [head, rule]
    for page in world.pages.values():
        ratio = world.ratio(page.name)
        cpu = page.cpu or {}
        label = page.label
        if page.problem:
            label += f" ⚠ {page.problem}"
        if page.failed:
            label += f" ⚠ {page.failed} failed requests"
        if cpu.get("status") not in (None, 200):
            label += f" ⚠ in-process status {cpu['status']}"
        row = (
            f"| {label} | {_number(page.rps, 0)} | {_number(ratio, 3)} | {_number(page.p50_ms)}"
            f" | {_number(page.p99_ms)} | {_number(cpu.get('cpu_ms'))}"
            f" | {cpu.get('queries', '–')} |"
        )
        if compare:
            before = first.ratio(page.name)
            row += f" {_number(ratio / before if ratio and before else None, 2)} |"
        lines.append(row)
    return "\n".join(lines)


def across_worlds(worlds: list[WorldFigures]) -> str:
    first, last = worlds[0], worlds[-1]
    head = "| page | " + " | ".join(f"÷ bare, {w.label}" for w in worlds)
    head += f" | {last.label} ÷ {first.label} |"
    lines = [head, "| --- |" + " ---: |" * (len(worlds) + 1)]
    for name, page in first.pages.items():
        ratios = [w.ratio(name) for w in worlds]
        growth = ratios[-1] / ratios[0] if ratios[0] and ratios[-1] else None
        cells = " | ".join(_number(r, 3) for r in ratios)
        lines.append(f"| {page.label} | {cells} | {_number(growth, 2)} |")
    return "\n".join(lines)


def counts(summary: dict) -> str:
    figures = ", ".join(f"{value:,} {name}" for name, value in summary.get("counts", {}).items())
    made_by = (
        "stand-in world (seed_demo + factories)" if summary.get("standin") else "generate_world"
    )
    seconds = summary.get("seconds")
    took = f", generated in {seconds} s" if seconds is not None else ""
    return f"{made_by}, scale {summary.get('scale')}: {figures}{took}"


def latest_section(
    worlds: list[WorldFigures], *, command: str, settings: dict, root: Path, notes: list[str]
) -> str:
    box = machine()
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "## Latest run",
        "",
        f"- date: {now}; commit: `{git_commit(root)}`",
        f"- command: `{command}`",
        f"- machine: {box['nproc']} CPUs ({box['cpu']}), {box['memory']} memory,"
        f" load average at start {box['load']}",
        "- " + ", ".join(f"{key}: {value}" for key, value in settings.items()),
        *(f"- {note}" for note in notes),
        "",
        "req/s, p50 and p99 are medians over the rounds; ÷ bare is the page's median req/s"
        f" divided by the logged-in bare view's (`{BARE}`) in the same run; CPU ms is the median"
        " CPU time of one request through django.test.Client in one process (database time"
        " excluded), and queries the SQL queries of that request.",
    ]
    for world in worlds:
        parts += ["", f"### World {world.label}", "", counts(world.summary), ""]
        parts.append(world_table(world, worlds[0]))
    if len(worlds) > 1:
        parts += ["", "### Across worlds", "", across_worlds(worlds)]
    return "\n".join(parts)


def replace_section(document: str, markers: tuple[str, str], body: str) -> str:
    start, end = markers
    if start not in document or end not in document:
        document = document.rstrip("\n") + f"\n\n{start}\n{end}\n"
    before, rest = document.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{body.strip()}\n{end}{after}"


def write(path: Path, markers: tuple[str, str], body: str) -> None:
    document = path.read_text() if path.exists() else TEMPLATE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_section(document, markers, body))
