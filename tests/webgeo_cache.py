"""One cache of simplified map layers for the whole test run, shared by the xdist workers.

Building the layers from the real boundaries takes some seconds per layer; every test app has its own
instance directory, so map tests point ``IPREG_CACHE_DIR`` here instead (the cache is keyed by the
gazetteer's fingerprint, and a file lock lets one worker build while the others wait).
"""
from __future__ import annotations

import os
from pathlib import Path


def shared_cache_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = root / "webgeo-cache"
    path.mkdir(exist_ok=True)
    return path
