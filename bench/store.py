"""Benchmark of the replica store (issue 2).  Run: ``python bench/store.py``

Prints, beside each budget:
* save one edit (p50 / p95) with 1k, 10k and 100k records — budget p95 ≤ 5 ms at 10k and
  100k (the cost must not grow with the store; plain TinyDB: 61–69 ms at 10k);
* open a 100k-record store — budget ≤ 1.5 s (first list of one kind, and all kinds);
* folded (accent-insensitive) search over 100k records — budget ≤ 30 ms;
* checkpoint of 100k records — reported.

Stores are built in a synced state (as after a pull: an empty outbox), from a seeded
generator of Vietnamese text, in a temporary directory.  Figures are medians of repeated
runs in this process; the machine is shared, so compare ratios within one run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Scripts here are named after the packages they measure (sync.py, tui.py): keep this folder
# off the import path so ``import sync`` finds the package, and put the checkout first.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from bench.words import WORDS
from domain.runtime import tune_collector
from sync.store import Store


def text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def fields_for(i: int, rng: random.Random) -> tuple[str, dict[str, object]]:
    """A mix like an office's store: one in ten a task, the rest people, meetings, targets."""
    slot = i % 10
    if slot == 0:
        return "task", {
            "title": text(rng, 10),
            "lead_unit_id": "u0",
            "notes": text(rng, 50),
            "timeframe": "Quý III/2022",
            "due": "2022-09-30",
            "budget": 1_500_000_000,
            "progress": rng.randint(0, 100),
            "status": "in_progress",
        }
    if slot in (1, 2, 3, 4):
        return "person", {"name": text(rng, 4), "position": text(rng, 6), "notes": text(rng, 10)}
    if slot in (5, 6):
        return "meeting", {"title": text(rng, 8), "date": "2022-05-27", "minutes": text(rng, 60)}
    return "indicator", {"name": text(rng, 8), "measure": "percent", "target": 100}


def build(path: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    store = Store.create(path, office="vn/bac-giang", name="bench")
    for start in range(0, count, 2000):
        with store.transaction() as tx:
            for i in range(start, min(count, start + 2000)):
                kind, fields = fields_for(i, rng)
                tx.take_base(
                    {
                        "id": f"0190{i:08x}-0000-7000-8000-000000000000",
                        "kind": kind,
                        "scope": "vn/bac-giang",
                        "fields": fields,
                        "versions": {},
                        "seq": i + 1,
                        "updated_at": "2022-06-01T00:00:00+00:00",
                    }
                )
    store.close()


def saves(path: Path, n: int) -> tuple[float, float]:
    store = Store.open(path)
    tasks = store.list("task")
    times = []
    for i in range(n):
        t = time.perf_counter()
        store.update(tasks[i % len(tasks)].id, {"progress": i % 101})
        times.append(time.perf_counter() - t)
    store.close()
    times.sort()
    return times[len(times) // 2] * 1e3, times[int(len(times) * 0.95)] * 1e3


def opens(path: Path, runs: int) -> tuple[float, float, float]:
    first, tasks, everything = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        store = Store.open(path)
        first.append(time.perf_counter() - t)
        store.list("task")
        tasks.append(time.perf_counter() - t)
        store.ensure_loaded()
        everything.append(time.perf_counter() - t)
        store.close()
    return statistics.median(first), statistics.median(tasks), statistics.median(everything)


def searches(path: Path) -> dict[str, float]:
    store = Store.open(path)
    store.ensure_loaded()
    out = {}
    for query in ("ung dung", "mot cua dien tu", "bao mat dao tao", "khong co tu nay"):
        times = []
        for _ in range(7):
            t = time.perf_counter()
            store.search(query, limit=200)
            times.append(time.perf_counter() - t)
        out[query] = statistics.median(times) * 1e3
    store.close()
    return out


def checkpoint(path: Path) -> float:
    store = Store.open(path)
    store.ensure_loaded()
    with store.transaction() as tx:  # touch every kind so all of them are rewritten
        for kind in ("task", "person", "meeting", "indicator"):
            record = store.list(kind)[0]
            tx.update(record.id, {("name" if kind in ("person", "indicator") else "title"): "x"})
    t = time.perf_counter()
    store.checkpoint()
    took = time.perf_counter() - t
    store.close()
    return took


def row(label: str, value: str, budget: str, ok: bool | None) -> None:
    mark = "" if ok is None else ("  ok" if ok else "  OVER BUDGET")
    print(f"{label:<44} {value:>18}   budget {budget}{mark}")


def main() -> None:
    tune_collector()  # as the sotay entry point does (domain.runtime)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    root = Path(tempfile.mkdtemp(prefix="sotay-bench-"))
    try:
        print(f"Sổ tay store benchmark — {time.strftime('%Y-%m-%d %H:%M')}")
        for size in sizes:
            path = root / f"s{size}"
            t = time.perf_counter()
            build(path, size)
            print(f"\n{size:,} records (built in {time.perf_counter() - t:.1f} s)")
            p50, p95 = saves(path, args.saves)
            budget_ok = p95 <= 5.0 if size >= 10_000 else None
            row("save one edit p50 / p95", f"{p50:.2f} / {p95:.2f} ms", "p95 ≤ 5 ms", budget_ok)
            if size == max(sizes):
                first, tasks, everything = opens(path, 5)
                row("open (checksums, journal replay)", f"{first * 1e3:.0f} ms", "—", None)
                row("open + first list (10% tasks)", f"{tasks * 1e3:.0f} ms", "—", None)
                row(
                    "open + every record parsed",
                    f"{everything * 1e3:.0f} ms",
                    "≤ 1.5 s",
                    everything <= 1.5,
                )
                for query, ms in searches(path).items():
                    row(f"search “{query}” (limit 200)", f"{ms:.1f} ms", "≤ 30 ms", ms <= 30)
                row(
                    "checkpoint (all kinds rewritten)",
                    f"{checkpoint(path) * 1e3:.0f} ms",
                    "report",
                    None,
                )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
