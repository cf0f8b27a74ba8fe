"""``ipreg gazetteer check|import-crosswalk``."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..actions import admin as admin_actions
from ..extensions import db
from ..gazetteer.check import check_sources
from .common import domain_errors, echo_json, json_option, operator


@click.group("gazetteer", cls=AppGroup)
def gazetteer() -> None:
    """Maintain and check the gazetteer's sources."""


@gazetteer.command("check")
@json_option
@domain_errors
def check(as_json: bool) -> None:
    """Report every old unit on which vietnamadminunits and the statistics office table disagree."""
    report = check_sources(db.session)
    if as_json:
        echo_json(report)
        return
    for item in report["items"]:
        old = item["old"]
        pkg = ", ".join(f"{l['code']} {l['name']} ({l['kind']})" for l in item["package"]) or "—"
        tab = ", ".join(f"{l['code']} {l['name']} ({l['kind']})" for l in item["table"]) or "—"
        click.echo(f"{old['code']} {old['name']}: {item['problem']}\n    package: {pkg}\n    table:   {tab}")
    click.echo(f"{report['disagreements']} disagreements over {report['compared_old_units']} old units. "
               f"{report['note']}")
    history = report["history"]
    if history["spans"]:
        click.echo(f"History since 2004: {history['spans']} spans; {history['without_successor']} without a known "
                   f"successor (the officer decides); {len(history['broken_chains'])} broken chains.")


@gazetteer.command("import-crosswalk")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@domain_errors
def import_crosswalk(file: Path, as_json: bool) -> None:
    """Import a statistics office conversion table (CSV) beside the package's succession."""
    result = admin_actions.import_crosswalk(operator(), file)
    if as_json:
        echo_json(result)
        return
    click.echo(f"Imported {result['links']} links from {file}.")
    for row in result["skipped_rows"]:
        click.echo(f"  skipped line {row['line']}: {row['old_name']} ({row['note']}) names no unit by code")
