"""The benchmarks run in CI as a smoke pass on small sizes (the full run is `python bench/run_all.py`)."""
import os
import subprocess
import sys

import pytest
from conftest import PG_URL, ROOT, real_geodata


@pytest.mark.slow
@real_geodata
@pytest.mark.skipif(bool(PG_URL), reason="the smoke pass runs once, in the SQLite run of the suite")
def test_every_benchmark_runs_on_small_sizes(tmp_path):
    output = tmp_path / "RESULTS.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPREG_")}
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run_all.py"), "--smoke", "--output", str(output)],
                            cwd=ROOT / "bench", env=env, capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    text = output.read_text(encoding="utf-8")
    for bench in ("gazetteer", "registry", "flags", "queue", "upload", "maps", "load", "growth"):
        assert f"| {bench}" in text, bench
    assert "benchmark failed to run" not in text
