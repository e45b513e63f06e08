"""After the run: what the database holds, how memory went, and the figures."""

import json
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict

from benchmarks import prodserver
from benchmarks.soak.people import Shared
from benchmarks.soak.prepare import ROOT

# --- what the database holds ------------------------------------------------


VERIFY = r"""
import json
import sys

import django

django.setup()
from projects.models import ProgressEntry
from reports.models import ReportJob

saves = json.loads(sys.stdin.read())
problems = []
for item in saves["entries"]:
    code, period, narratives = item["code"], item["period"], item["narratives"]
    entries = list(ProgressEntry.objects.filter(project__code=code, period=period))
    if len(entries) != 1:
        problems.append(f"{code} {period}: {len(entries)} entries")
        continue
    entry = entries[0]
    if entry.narrative != narratives[-1]:
        problems.append(f"{code} {period}: holds {entry.narrative!r}, last saved {narratives[-1]!r}")
    history = set(entry.history.values_list("narrative", flat=True))
    lost = [n for n in narratives if n not in history]
    if lost:
        problems.append(f"{code} {period}: {len(lost)} saves missing from the history")
jobs = saves["jobs"]
found = dict(ReportJob.objects.filter(pk__in=jobs).values_list("pk", "status"))
missing = sorted(set(jobs) - set(found))
if missing:
    problems.append(f"report jobs missing: {missing}")
if len(jobs) != len(set(jobs)):
    problems.append("a report job was answered twice")
pending = sorted(pk for pk, status in found.items() if status != "done")
print(json.dumps({"problems": problems, "pending_jobs": pending,
                  "statuses": sorted(set(found.values()))}))
"""


def verify(env: dict, shared: Shared) -> dict:
    payload = {
        "entries": [
            {"code": code, "period": period, "narratives": narratives}
            for (code, period), narratives in shared.saves.items()
        ],
        "jobs": shared.jobs,
    }
    result = subprocess.run(
        [sys.executable, "-c", VERIFY],
        cwd=ROOT,
        env=env,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"verification failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- memory ------------------------------------------------------------------------------------


class MemorySampler(threading.Thread):
    def __init__(self, web_pid: int, worker_pid: int, every: float):
        super().__init__(daemon=True)
        self.web_pid, self.worker_pid, self.every = web_pid, worker_pid, every
        self.samples: list[dict] = []
        self.running = True
        self.started = time.monotonic()

    def sample(self):
        workers = {pid: prodserver.rss_kb(pid) for pid in prodserver.children(self.web_pid)}
        self.samples.append(
            {
                "t": round(time.monotonic() - self.started, 1),
                "master": prodserver.rss_kb(self.web_pid),
                "web_workers": {str(pid): kb for pid, kb in workers.items() if kb},
                "web_total": sum(kb for kb in workers.values() if kb),
                "task_worker": prodserver.rss_kb(self.worker_pid),
            }
        )

    def run(self):
        self.started = time.monotonic()
        while self.running:
            self.sample()
            time.sleep(self.every)

    def stop(self):
        self.running = False
        self.sample()


def memory_report(samples: list[dict]) -> dict:
    """first (after warm-up) / last / max in MiB, and whether each stayed flat. The warm-up
    (imports, fonts, the first PDF: one-time growth) is the first tenth of the run, at
    least 15 s."""
    duration = samples[-1]["t"] if samples else 0
    warm_up = max(15.0, duration / 10)
    warm = [s for s in samples if s["t"] >= warm_up] or samples[-1:]
    report = {}
    worker_pids = sorted({pid for s in warm for pid in s["web_workers"]})
    series = {
        "web_total": [s["web_total"] for s in warm],
        "task_worker": [s["task_worker"] for s in warm if s["task_worker"]],
    }
    for pid in worker_pids:
        series[f"web_worker_{pid}"] = [
            s["web_workers"][pid] for s in warm if pid in s["web_workers"]
        ]
    for name, values in series.items():
        if not values:
            continue
        first, last, peak = values[0] / 1024, values[-1] / 1024, max(values) / 1024
        # A worker's RSS goes up and down with the job in hand: compare the highest point
        # of the second half with that of the first, rather than two single samples.
        half = max(1, len(values) // 2)
        early, late = max(values[:half]) / 1024, max(values[half:] or values[-1:]) / 1024
        report[name] = {
            "first_mib": round(first, 1),
            "last_mib": round(last, 1),
            "max_mib": round(peak, 1),
            "max_first_half_mib": round(early, 1),
            "max_second_half_mib": round(late, 1),
            "flat": late <= early * 1.1 + 10,
        }
    return report


def timeline(samples: list[dict], points: int = 11) -> list[dict]:
    """A few samples spread over the run, in MiB, for the printout."""
    if not samples:
        return []
    step = max(1, (len(samples) - 1) // (points - 1))
    chosen = samples[::step]
    if chosen[-1] is not samples[-1]:
        chosen.append(samples[-1])
    return [
        {
            "t": s["t"],
            "web_total_mib": round(s["web_total"] / 1024, 1),
            "task_worker_mib": round((s["task_worker"] or 0) / 1024, 1),
        }
        for s in chosen
    ]


# --- the figures ------------------------------------------------------------------------------


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summary(shared: Shared) -> dict:
    by_kind = defaultdict(list)
    for record in shared.records:
        by_kind[record.kind].append(record.seconds)
    statuses = Counter(record.status for record in shared.records)
    return {
        "requests": len(shared.records),
        "statuses": dict(sorted(statuses.items())),
        "by_kind": {
            kind: {
                "count": len(times),
                "p50_ms": round(statistics.median(times) * 1000),
                "p95_ms": round(percentile(times, 0.95) * 1000),
                "max_ms": round(max(times) * 1000),
            }
            for kind, times in sorted(by_kind.items())
        },
    }


def print_results(results: dict) -> None:
    print(
        f"\n{results['users']} users, {results['load_seconds']} s: {results['requests']} requests "
        f"({results['requests'] / results['load_seconds']:.1f}/s), statuses {results['statuses']}"
    )
    print(f"{'step':<14}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind, row in results["by_kind"].items():
        print(f"{kind:<14}{row['count']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}")
    print(
        f"saves {results['saves']} over {results['entries_checked']} (project, month) pairs; "
        f"report jobs ordered {results['report_jobs']}, not done {len(results['jobs_not_done'])}"
    )
    print(f"errors: {len(results['errors'])}")
    for error in results["errors"][:20]:
        print("  ", error)
    print(f"data problems: {len(results['data_problems'])}")
    for problem in results["data_problems"][:20]:
        print("  ", problem)
    print(f"memory ({results['memory_samples']} samples; after warm-up):")
    for name, row in results["memory"].items():
        print(
            f"  {name:<22} first {row['first_mib']:>7} MiB  last {row['last_mib']:>7} MiB  "
            f"max {row['max_mib']:>7} MiB (halves {row['max_first_half_mib']} / "
            f"{row['max_second_half_mib']})  {'flat' if row['flat'] else 'GROWING'}"
        )
    print("  over time (s: web workers / task worker, MiB):")
    print(
        "   "
        + "  ".join(
            f"{row['t']:.0f}: {row['web_total_mib']}/{row['task_worker_mib']}"
            for row in results["memory_timeline"]
        )
    )
    print("OK" if results["ok"] else "FAILED")
