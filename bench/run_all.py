"""Run every benchmark of the project and write one table to bench/RESULTS.md.

    python bench/run_all.py            # the full run (about an hour on the 2-core reference machine)
    python bench/run_all.py --smoke    # small sizes, a few minutes (what CI runs)
    python bench/run_all.py --only flags,upload
"""
from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from common import Figure, table

BENCHES = ["gazetteer", "history", "registry", "flags", "review_queue", "upload", "uploads_memory", "maps", "load",
           "growth"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="small sizes (CI)")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--output", default=str(Path(__file__).with_name("RESULTS.md")))
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else BENCHES
    figures: list[Figure] = []
    broken = []
    started = time.perf_counter()
    for name in names:
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(name)
            result = module.run(smoke=args.smoke)
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            broken.append(name)
            traceback.print_exc()
            figures.append(Figure(name, "benchmark failed to run", 0, "", "runs", False))
            continue
        figures.extend(result)
        print(table(result), flush=True)
    elapsed = time.perf_counter() - started
    failed = [f for f in figures if f.ok is False]
    lines = [
        "# Benchmark results",
        "",
        f"{'Smoke pass (small sizes)' if args.smoke else 'Full run'} of `bench/run_all.py`, "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node() or 'machine'}: "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        f"{elapsed / 60:.1f} minutes. Baselines are measured in the same run (see each module's docstring); "
        "the ratio is how many times better than the baseline.",
        "",
        table(figures),
        "",
        f"{len([f for f in figures if f.ok])} of {len([f for f in figures if f.ok is not None])} targets met"
        + (f"; missed: {', '.join(f'{f.bench}: {f.name}' for f in failed)}" if failed else "") + ".",
    ]
    Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
