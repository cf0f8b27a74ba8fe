"""Reproducible installs: requirements.lock pins every dependency pyproject.toml declares (core and extras) at a
version the declaration accepts; PostgreSQL's driver is an extra, and a PostgreSQL URL without it is a message."""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from ipreg.database import MissingDriverError, check_driver

ROOT = Path(__file__).resolve().parent.parent


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        assert "==" in line and "[" not in line, f"not an exact pin without extras (pip constraints): {line!r}"
        name, version = line.split("==", 1)
        pins[_canonical(name)] = version.strip()
    return pins


def test_lock_pins_every_declared_dependency():
    project, pins = _project(), _pins()
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    for spec in declared:
        req = Requirement(spec)
        name = _canonical(req.name)
        assert name in pins, f"{req.name} is not in requirements.lock: refresh it (README)"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} does not satisfy {spec}"


def test_postgresql_driver_is_an_extra():
    project = _project()
    assert not [d for d in project["dependencies"] if _canonical(Requirement(d).name).startswith("psycopg")]
    assert [d for d in project["optional-dependencies"]["postgres"] if Requirement(d).name == "psycopg"]
    assert _pins()["psycopg-binary"] == _pins()["psycopg"]  # psycopg[binary]: the wheel with libpq inside


def test_postgresql_url_without_its_driver_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails as if it were not installed
    with pytest.raises(MissingDriverError) as caught:
        check_driver("postgresql+psycopg://user@127.0.0.1:5432/ipreg")
    assert caught.value.exit_code == 2
    assert "'postgres' extra" in caught.value.message and "pip install" in caught.value.message
    check_driver("sqlite:////tmp/ipreg.sqlite")  # SQLite needs no driver
    check_driver("not a url")  # left to SQLAlchemy
