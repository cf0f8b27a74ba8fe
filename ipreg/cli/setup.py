"""``ipreg init``: migrate the database and load the gazetteer (idempotent)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..domain.gazetteer_load import load_gazetteer
from ..extensions import db
from .common import domain_errors, echo_json, json_option


@click.command("init")
@click.option("--geodata", type=click.Path(file_okay=False, path_type=Path),
              help="Directory of boundary files (default: IPREG_GEODATA).")
@click.option("--force", is_flag=True, help="Reload even when the sources are unchanged.")
@json_option
@with_appcontext
@domain_errors
def init_command(geodata: Path | None, force: bool, as_json: bool) -> None:
    """Create or upgrade the schema and load units, succession links and boundaries."""
    geodata = geodata or Path(current_app.config["IPREG_GEODATA"])
    upgrade(directory=current_app.extensions["migrate"].directory)
    say = (lambda _m: None) if as_json else (lambda m: click.echo(f"… {m}"))
    report = load_gazetteer(db.session, geodata, progress=say, force=force)
    if as_json:
        echo_json(report.as_dict())
        return
    if report.changed:
        click.echo(f"Loaded: {', '.join(report.changed)}.")
    if report.unchanged and not report.changed:
        click.echo("Nothing to do: the gazetteer is already up to date with its sources.")
    elif report.unchanged:
        click.echo(f"Unchanged: {', '.join(report.unchanged)}.")
    if report.missing_layers:
        click.echo(f"Not found in {geodata} (skipped): {', '.join(report.missing_layers)}.")
    c = report.counts
    click.echo(f"Units until 2025-06-30: {c.get('old_province', 0)} provinces, {c.get('old_district', 0)} districts, "
               f"{c.get('old_commune', 0)} communes. From 2025-07-01: {c.get('new_province', 0)} provinces, "
               f"{c.get('new_commune', 0)} communes. Succession links: {c.get('links', 0)} "
               f"(statistics office table: {c.get('nso_links', 0)}).")
