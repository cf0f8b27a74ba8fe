"""``ipreg init``: migrate the database and load the gazetteer (idempotent)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from ..extensions import db
from ..gazetteer.loading import load_gazetteer
from .common import domain_errors, echo_json, json_option
from .users import announce_admin, ensure_first_admin


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
    password = ensure_first_admin()
    if as_json:
        echo_json({**report.as_dict(), "first_admin_password": password})
        return
    announce_admin(password)
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


@click.command("demo")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="Records to load (default: ../shared/registry/sample_records.csv).")
@with_appcontext
@domain_errors
def demo_command(file: Path | None) -> None:
    """Set up a demonstration: init, the sample records (valid rows; rejected ones reported), flags."""
    from ..config import PROJECT_ROOT  # noqa: PLC0415
    from ..maps.webgeo import get_webgeo  # noqa: PLC0415
    from ..reform.engine import run_registry  # noqa: PLC0415
    from .flags import print_run  # noqa: PLC0415
    from .records import run_import  # noqa: PLC0415

    upgrade(directory=current_app.extensions["migrate"].directory)
    report = load_gazetteer(db.session, Path(current_app.config["IPREG_GEODATA"]),
                            progress=lambda m: click.echo(f"… {m}"))
    click.echo("Gazetteer: " + ("loaded" if report.changed else "already up to date") + ".")
    announce_admin(ensure_first_admin())
    file = file or PROJECT_ROOT.parent / "shared" / "registry" / "sample_records.csv"
    click.echo(f"Importing {file} (valid rows are imported, rejected rows are listed):")
    run_import(file, dry_run=False, partial=True, as_json=False)
    click.echo("Flagging the records affected by the reform:")
    print_run(run_registry(db.session, actor="ipreg demo"), as_json=False)
    click.echo("Preparing the map layers (about a minute, once per gazetteer load)…")
    get_webgeo(db.session, current_app.config["IPREG_CACHE_DIR"]).prepare()
    click.echo("Ready: run `ipreg serve` and log in as admin.")
