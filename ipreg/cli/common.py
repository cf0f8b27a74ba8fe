"""Helpers every command uses: domain errors become a message and exit code 2, output as text or JSON."""
from __future__ import annotations

import functools
import json
import sys
from datetime import date, datetime

import click

from ..actions.context import Context, system
from ..core.errors import IpregError


def _default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def echo_json(data) -> None:
    click.echo(dumps(data))


def fail(message: str, details=None, as_json: bool = False) -> None:
    """Print the problem (and JSON details if asked) and exit 2, with no traceback."""
    if as_json:
        click.echo(dumps({"error": message, "details": details}))
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def domain_errors(func):
    """Turn ``IpregError`` into exit code 2 with its message; the database session is rolled back."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except IpregError as exc:
            from ..extensions import db

            db.session.rollback()
            fail(exc.message, exc.details, as_json=kwargs.get("as_json", False))

    return wrapper


def read_input(path, as_json: bool = False, report: dict | None = None) -> bytes:
    """The bytes of an input file, or a message and exit code 2 when it cannot be read (with ``as_json``,
    ``report`` is printed with the problem in its ``errors``, the shape the command's JSON always has)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        message = f"cannot read {path}: {exc.strerror}"
        if as_json:
            echo_json({**(report or {}), "errors": [problem(message, str(path))]})
        click.echo(f"Error: {message}", err=True)
        sys.exit(2)


def problem(message: str, value: str | None = None) -> dict:
    """A problem of the whole file, in the form of the reports' per-row problems."""
    return {"row": None, "column": None, "value": value, "message": message, "candidates": []}


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def operator(name: str = "cli") -> Context:
    """The command line acts as the server's operator, audited under ``name``."""
    from ..extensions import db

    return system(db.session, name)


def echo_table(columns: list[tuple[str, str]], rows: list[dict]) -> None:
    """Rows under a header line, each column as wide as its widest value: ``columns`` are (key, HEADER).

    The last column is not padded (a name or a message may be long)."""
    widths = [max([len(header)] + [len(str(row.get(key) if row.get(key) is not None else "")) for row in rows])
              for key, header in columns]

    def line(values: list[str]) -> str:
        cells = [v.ljust(w) for v, w in zip(values[:-1], widths)] + values[-1:]
        return "  ".join(cells).rstrip()

    click.echo(line([header for _key, header in columns]))
    for row in rows:
        click.echo(line([str(row.get(key) if row.get(key) is not None else "") for key, _header in columns]))
