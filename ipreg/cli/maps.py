"""``ipreg maps prepare``: build the simplified web map layers now rather than on a user's first request."""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..maps.webgeo import SERVED, get_webgeo
from .common import domain_errors, echo_json, json_option


@click.group("maps", cls=AppGroup)
def maps() -> None:
    """Web map layers."""


@maps.command("prepare")
@json_option
@domain_errors
def prepare(as_json: bool) -> None:
    """Clean, simplify and cache every layer the map pages use (about a minute, once per gazetteer load)."""
    start = time.perf_counter()
    webgeo = get_webgeo(db.session, current_app.config["IPREG_CACHE_DIR"])
    webgeo.prepare()
    report = {"cache": str(webgeo.directory), "layers": [f"{layer}@{level}" for layer, level in SERVED],
              "seconds": round(time.perf_counter() - start, 1)}
    if as_json:
        echo_json(report)
    else:
        click.echo(f"Map layers ready in {report['seconds']} s: {report['cache']}")
