"""`make soak`: the `make load` mix (64 readers, 5 comments a second) for SOAK_SECONDS (default
1800), watching each gunicorn worker's memory.

    python ops/soak.py [--seconds 1800] [--via gunicorn|nginx]

Every SOAK_SAMPLE_SECONDS (default 30) it reads each worker's resident memory (VmRSS). Growth
is measured from the first sample after SOAK_WARMUP_SECONDS (default: a sixth of the run, at
least 60 s, while imports finish and each worker's page cache fills) to the last, per worker,
and must stay under 10%.

Worker recycling is switched off for the run (gunicorn --max-requests=0), so each worker lives
through the whole soak and a leak cannot hide behind a recycled process; a worker that dies or
appears during the run is reported, and fails the check. The load checks of `make load` (no
server errors, every accepted comment stored) apply too; its latency targets are reported
but do not fail a soak.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ops.load import LATENCY_FAILURE, READERS, env_int, report, run_mix, say  # noqa: E402

GROWTH_LIMIT = 0.10


def rss_mb(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else None


def sample(site, elapsed):
    memory = {pid: rss_mb(pid) for pid in site.gunicorn.worker_pids()}
    memory = {pid: value for pid, value in memory.items() if value is not None}
    say(
        f"  {elapsed:5.0f} s: worker RSS "
        + ", ".join(f"{pid} {mb:.1f} MB" for pid, mb in sorted(memory.items()))
    )
    return {"elapsed": elapsed, "rss": memory}


def memory_report(samples, warmup):
    """Per worker: boot, start (first sample after warm-up), peak, end and growth."""
    after = [entry for entry in samples if entry["elapsed"] >= warmup] or samples[-1:]
    first_pids = set(samples[0]["rss"])
    last_pids = set(samples[-1]["rss"])
    # gunicorn forks its workers one by one, so the first sample may come before the last of
    # them exists. A worker is a problem when it is gone by the end (it died) or when it first
    # appears after the warm-up (it replaced one).
    every_pid = set().union(*(entry["rss"] for entry in samples))
    late = {pid for entry in after for pid in entry["rss"]} - {
        pid for entry in samples if entry["elapsed"] < warmup for pid in entry["rss"]
    }
    rows = {}
    for pid in sorted(every_pid):
        seen = [entry["rss"][pid] for entry in after if pid in entry["rss"]]
        if not seen:
            continue
        start, end = seen[0], seen[-1]
        rows[pid] = {
            "boot": samples[0]["rss"].get(pid),
            "start": start,
            "peak": max(seen),
            "end": end,
            "growth": (end - start) / start if start else 0.0,
            "whole_run": pid in first_pids and pid in last_pids,
        }
    return rows, (every_pid - last_pids) | late


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=env_int("SOAK_SECONDS", 1800))
    parser.add_argument(
        "--via", choices=["gunicorn", "nginx"], default=os.environ.get("LOAD_VIA", "gunicorn")
    )
    options = parser.parse_args()
    every = env_int("SOAK_SAMPLE_SECONDS", 30)
    # The page cache fills for minutes (every worker keeps its own copy of every page read),
    # so growth is counted after the first sixth of the run, at least a minute.
    warmup = env_int("SOAK_WARMUP_SECONDS", max(60, options.seconds // 6))
    if options.seconds <= warmup:
        sys.exit(f"SOAK_SECONDS ({options.seconds}) must be longer than the warm-up ({warmup} s).")
    figures = run_mix(
        seconds=options.seconds,
        via=options.via,
        recycle=False,
        label="soak",
        on_sample=sample,
        sample_every=every,
    )
    # Slow answers (p99 over target, wrk timeouts) are make load's business; a soak fails on
    # memory, server errors and lost comments.
    load_failures = [
        failure for failure in report(figures) if not failure.startswith(("p99 of", LATENCY_FAILURE))
    ]
    rows, changed = memory_report(figures["samples"], warmup)
    (Path(figures["workdir"]) / "figures.json").write_text(json.dumps(figures, indent=2, default=str))
    say("")
    say(f"{'worker':>8} {'boot MB':>8} {'start MB':>9} {'peak MB':>8} {'end MB':>7} {'growth':>7}")
    failures = list(load_failures)
    for pid, row in rows.items():
        boot = f"{row['boot']:.1f}" if row["boot"] is not None else "–"
        over = row["growth"] >= GROWTH_LIMIT
        say(
            f"{pid:>8} {boot:>8} {row['start']:9.1f} {row['peak']:8.1f} {row['end']:7.1f} "
            f"{row['growth']:7.1%}{'  OVER' if over else ''}"
        )
        if over:
            failures.append(f"worker {pid} grew {row['growth']:.1%}")
    if changed:
        failures.append(f"workers died or were replaced during the soak: {sorted(changed)}")
    worst = max((row["growth"] for row in rows.values()), default=0.0)
    verdict = "Every check passed." if not failures else "Failed: " + "; ".join(failures) + "."
    peak = max(row["peak"] for row in rows.values())
    say(
        f"\nSummary: {options.seconds} s soak ({options.seconds / 60:.1f} min) of {READERS} readers and "
        f"{figures['plan']['rate']} comments/s with worker recycling off; {len(rows)} gunicorn workers "
        f"sampled every {every} s. Memory growth from the first sample after {warmup} s of warm-up to the "
        f"end: largest {worst:.1%} (limit {GROWTH_LIMIT:.0%}), peak {peak:.1f} MB. Comments: "
        f"{figures['commenting']['accepted']} accepted, {figures['stored']} stored. {verdict} Timings from a "
        "shared or busy machine are upper bounds; memory figures are not affected by that."
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
