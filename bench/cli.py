"""The command line as a person runs it: whole ``sotay`` processes on a 10k-record store
(issue 10).  Run: ``python bench/cli.py``

For each round a real ``sotay-server`` process on a new database and a fresh profile:
``sotay init``, ``sotay import`` of 10,000 task records (~875 B each, the records of
``bench/sync.py``, new ids every round), ``sotay login``, ``sotay sync`` (the initial push of
the 10k) and ``sotay sync`` again (idle).  Each figure is the median of the rounds, timed
from outside the process (interpreter start-up and imports included).

Budgets: ``sotay --help`` ≤ 0.08 s, ``sotay import`` of 10k ≤ 0.4 s, initial push ≤ 0.6 s,
idle ``sotay sync`` ≤ 0.15 s.  A miss is shown with its profile: the top-level imports
(``-X importtime``) and the top of a cProfile of one more run of that command.
"""

from __future__ import annotations

import argparse
import compileall
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import orjson

from bench.sync import SCOPE, admin, fill, start_server
from domain.ids import uuid7
from domain.runtime import tune_collector
from sync.store import Store
from tui.demo_server import DemoServer

ROOT = _HERE.parent
#: (what, budget in seconds)
BUDGETS = {
    "sotay --help": 0.08,
    "sotay import of 10k": 0.4,
    "initial push of 10k (sotay sync)": 0.6,
    "idle sotay sync": 0.15,
}
ENV = {k: v for k, v in os.environ.items() if k not in ("SOTAY_DATA", "SOTAY_TOKEN")}
ENV["SOTAY_LANG"] = "en"


def sotay(*args: str, python: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """One whole ``sotay`` process (``python -m tui``, this checkout's code); must succeed."""
    command = [sys.executable, *python, "-m", "tui", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=ENV, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done


def timed(*args: str, run: Callable[..., object] = sotay) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of ``sotay ARGS``: on a shared, busy machine
    the wall clock also counts the time other processes had the CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run(*args)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return took, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def bare_python() -> None:
    """The floor every figure stands on: the interpreter starting and stopping, nothing else."""
    subprocess.run([sys.executable, "-c", "pass"], check=True, env=ENV)


def compiled() -> None:
    """Byte-compile the checkout, as installing it does: with PYTHONDONTWRITEBYTECODE set
    (as here), every start would otherwise compile every module of ours from source again."""
    for package in ("domain", "sync", "documents", "tui"):
        compileall.compile_dir(ROOT / package, quiet=1)


# ---------------------------------------------------------------------------
# Profiles of a miss
# ---------------------------------------------------------------------------
def import_times(*args: str, top: int = 12) -> list[str]:
    """The slowest top-level imports of ``sotay ARGS`` (cumulative µs, from -X importtime)."""
    err = sotay(*args, python=("-X", "importtime")).stderr
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        cumulative, name = parts[1], parts[2]
        if not name[1:].startswith(" "):  # a nested import is in its parent's time
            rows.append((int(cumulative), name.strip()))
    rows.sort(reverse=True)
    return [f"{cum / 1e3:8.1f} ms  {name}" for cum, name in rows[:top]]


def cprofile(*args: str, top: int = 15) -> list[str]:
    """The top of a cProfile of ``sotay ARGS``, by cumulative time."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cli.prof"
        sotay(*args, python=("-m", "cProfile", "-o", str(out)))
        stats = pstats.Stats(str(out))
    rows = []
    for (file, line, func), (_cc, calls, _tt, cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else file
        rows.append((cum, calls, f"{where}({func})"))
    rows.sort(reverse=True)
    return [f"{cum:8.3f} s {calls:>8}  {name}" for cum, calls, name in rows[:top]]


# ---------------------------------------------------------------------------
# The store to import
# ---------------------------------------------------------------------------
def records(root: Path, count: int) -> list[dict[str, Any]]:
    """``count`` tasks and their unit, as ``sotay export`` writes them."""
    store = Store.create(root / "source", office=SCOPE, name="source")
    try:
        fill(store, count)
        return [r.export() for r in store.list(None, include_deleted=True)]
    finally:
        store.close()


def with_new_ids(items: list[dict[str, Any]], path: Path) -> Path:
    """The records under new ids (references follow), one JSON object a line: each round's
    push is of records the server has never seen."""
    ids = {item["id"]: uuid7() for item in items}
    with path.open("wb") as fh:
        for item in items:
            fields = dict(item["fields"])
            if fields.get("lead_unit_id") in ids:
                fields["lead_unit_id"] = ids[fields["lead_unit_id"]]
            fh.write(orjson.dumps({**item, "id": ids[item["id"]], "fields": fields}) + b"\n")
    return path


# ---------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------
class Bench:
    """Rounds on new profiles, each against a server of its own: on a shared one, a round's
    "initial push" also pulled the 10k records of every round before it (1.4, 7.0, 9.7 s)."""

    def __init__(self, root: Path, items: list[dict[str, Any]]) -> None:
        self.root, self.items = root, items
        self.rounds = 0
        self.server: DemoServer | None = None

    def _new_server(self) -> tuple[str, str]:
        """A new server with the office and an empty database: its URL and a token."""
        self.stop()
        db = self.root / f"hq-{self.rounds}.db"
        admin(db, "office", "add", SCOPE, "--name", "Bắc Giang")
        token = admin(db, "token", "create", "--office", SCOPE, "--role", "office").split()[-1]
        self.server = start_server(db)
        return self.server.url, token

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def profile(self) -> str:
        """A new profile, logged in to a new server, with nothing in it yet; its folder."""
        self.rounds += 1
        url, token = self._new_server()
        data = self.root / f"profile-{self.rounds}"
        sotay("--data", str(data), "init", "--office", SCOPE, "--name", "Bắc Giang")
        sotay("--data", str(data), "login", "--server", url, "--token", token)
        return str(data)

    def import_file(self) -> str:
        return str(with_new_ids(self.items, self.root / f"import-{self.rounds}.jsonl"))

    def before(self, what: str) -> tuple[str, ...]:
        """Brings a new profile to the point just before ``what``; the arguments of ``what``."""
        if what == "sotay --help":
            return ("--help",)
        data, file = self.profile(), self.import_file()
        sync = ("--data", data, "sync")
        steps = {"sotay import of 10k": ("--data", data, "import", file)}
        steps["initial push of 10k (sotay sync)"] = sync
        steps["idle sotay sync"] = sync  # the same sync once more
        for what_first, step in steps.items():
            if what_first == what:
                return step
            sotay(*step)
        raise KeyError(what)

    def round(self) -> dict[str, list[tuple[float, float]]]:
        """Each command once, the idle sync three times, on one new profile: (wall, CPU)."""
        args = self.before("sotay import of 10k")
        sync = ("--data", args[1], "sync")
        took = {"sotay --help": [timed("--help")], "sotay import of 10k": [timed(*args)]}
        took["initial push of 10k (sotay sync)"] = [timed(*sync)]
        took["idle sotay sync"] = [timed(*sync) for _ in range(3)]
        return took

    def explain(self, what: str) -> None:
        """The profiles of two more runs of ``what``, each from the same starting point."""
        print(f"\n--- {what}: top-level imports (-X importtime)")
        print("\n".join(import_times(*self.before(what))))
        print(f"--- {what}: cProfile, by cumulative time")
        print("\n".join(cprofile(*self.before(what))))


def row(what: str, runs: list[tuple[float, float]]) -> bool:
    """The median wall-clock time beside its budget (the verdict), and the median CPU time."""
    took, budget = statistics.median(w for w, _ in runs), BUDGETS[what]
    cpu = statistics.median(c for _, c in runs)
    ok = took <= budget
    spread = ", ".join(f"{w:.3f}" for w, _ in runs)
    mark = "ok" if ok else "OVER BUDGET"
    print(
        f"{what:<34} {took:7.3f} s  (CPU {cpu:.3f} s)  budget ≤ {budget:.2f} s  {mark:<12}"
        f"  runs: {spread}"
    )
    return ok


def main() -> None:
    tune_collector()  # as the sotay entry point does (domain.runtime)
    parser = argparse.ArgumentParser(description="Sổ tay whole-process CLI benchmark")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each command (≥ 3)")
    parser.add_argument("--no-profiles", action="store_true", help="do not profile a miss")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sotay-bench-cli-"))
    bench: Bench | None = None
    compiled()
    try:
        items = records(root, args.records)
        load = os.getloadavg()[0]
        print(
            f"Sổ tay CLI benchmark — whole processes, {len(items):,} records to import "
            f"(load average {load:.1f} on {os.cpu_count()} CPUs)\n"
        )
        bench = Bench(root, items)
        runs: dict[str, list[tuple[float, float]]] = {what: [] for what in BUDGETS}
        for _ in range(max(args.rounds, 3)):
            for what, took in bench.round().items():
                runs[what] += took
        floor = [timed(run=bare_python) for _ in range(5)]
        print(
            f"{'python -c pass (the floor)':<34} {statistics.median(w for w, _ in floor):7.3f} s"
            f"  (CPU {statistics.median(c for _, c in floor):.3f} s)"
        )
        missed = [what for what in BUDGETS if not row(what, runs[what])]
        for what in [] if args.no_profiles else missed:
            bench.explain(what)
    finally:
        if bench is not None:
            bench.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
