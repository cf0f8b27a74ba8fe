"""Shared helpers of the benchmarks: figures with baseline, ratio and target, printed as one table."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Figure:
    bench: str
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None
    baseline: float | None = None
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        """How many times better than the baseline (time: baseline/value; rate: value/baseline)."""
        if self.baseline in (None, 0) or self.value in (None, 0):
            return None
        return self.value / self.baseline if self.higher_is_better else self.baseline / self.value

    def row(self) -> list[str]:
        ratio = f"{self.ratio:,.1f}×" if self.ratio else ""
        verdict = "" if self.ok is None else ("pass" if self.ok else "FAIL")
        base = "" if self.baseline is None else f"{self.baseline:,.3f}"
        return [self.bench, self.name, f"{self.value:,.3f}", self.unit, base, ratio, self.target, verdict]


HEADER = ["bench", "figure", "value", "unit", "baseline", "ratio", "target", "result"]


def table(figures: list[Figure]) -> str:
    rows = [HEADER] + [f.row() for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median wall time in seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ipreg(*args: str, env: dict | None = None, check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    """Run the ``ipreg`` console script of this environment; return (seconds, completed process)."""
    exe = Path(sys.executable).with_name("ipreg")
    start = time.perf_counter()
    proc = subprocess.run([str(exe), *args], env={**os.environ, **(env or {})}, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if check and proc.returncode != 0:
        raise RuntimeError(f"ipreg {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed, proc


def fresh_instance() -> dict:
    """Environment for a throw-away SQLite instance (benchmarks never touch the user's database)."""
    directory = Path(tempfile.mkdtemp(prefix="ipreg-bench-"))
    return {"IPREG_INSTANCE_PATH": str(directory), "IPREG_DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite'}"}


def app_for(env: dict):
    for key, value in env.items():
        os.environ[key] = value
    from ipreg import create_app

    return create_app()
