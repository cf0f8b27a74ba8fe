"""``ipreg records import|show|export`` and ``ipreg demo``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..gazetteer.snapshot import get_gazetteer
from ..reform.views import record_with_flags
from ..registry.record_import import ImportReport, import_records
from ..registry.records import find_record
from .common import domain_errors, echo_json, json_option, read_input


@click.group("records", cls=AppGroup)
def records() -> None:
    """Import, show and export registry records."""


def print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        echo_json(report.as_dict())
        return
    for item in report.records:
        click.echo(f"  row {item['row']}: {item['action']} {item['kind']} {item['reg_no'] or ''} {item['name']}")
    for title, problems in (("Rejected", report.errors), ("Kept incomplete (a flag asks to complete them)",
                                                           report.incomplete), ("Warnings", report.warnings)):
        if problems:
            click.echo(f"{title}:")
        for p in problems:
            where = f"row {p.row}, {p.column}" if p.row else "file"
            click.echo(f"  {where}: {p.message}")
            for c in p.candidates[:3]:
                click.echo(f"      candidate {c.get('code') or '?'} {c.get('path') or ''}")
    verb = "Would import" if report.dry_run else ("Imported" if report.imported else "Rejected; nothing written")
    click.echo(f"{verb}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged; rows: "
               f"{report.complete_rows} complete, {report.incomplete_rows} incomplete, {len(report.rejected_rows)} "
               f"refused; {len(report.warnings)} warnings.")


def run_import(path: Path, dry_run: bool, partial: bool, as_json: bool, strict: bool = False) -> ImportReport:
    data = read_input(path, as_json, {"created": 0, "updated": 0, "unchanged": 0})
    cfg = current_app.config
    report = import_records(db.session, data, path.name, dry_run=dry_run, partial=partial, actor="cli",
                            max_rows=cfg["IPREG_MAX_ROWS"], max_cell_chars=cfg["IPREG_MAX_CELL_CHARS"],
                            max_bytes=cfg["MAX_CONTENT_LENGTH"], strict=strict)
    print_report(report, as_json)
    return report


@records.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report without writing.")
@click.option("--partial", is_flag=True, help="Import the valid rows and report the rejected ones.")
@click.option("--strict", is_flag=True, help="Refuse rows with unresolved place data instead of keeping them "
                                             "as incomplete records.")
@json_option
@domain_errors
def import_command(file: Path, dry_run: bool, partial: bool, strict: bool, as_json: bool) -> None:
    """Import records from CSV or XLSX (all-or-nothing unless --partial); rows whose only problems are place
    data are kept as incomplete records with a flag (unless --strict); exit 2 when rejected."""
    report = run_import(file, dry_run, partial, as_json, strict)
    if report.errors and not (partial and (report.imported or dry_run)) or (partial and not report.imported
                                                                              and not dry_run):
        sys.exit(2)


@records.command("show")
@click.argument("kind")
@click.argument("reg_no")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Show the record as it stood on a date.")
@json_option
@domain_errors
def show(kind: str, reg_no: str, on, as_json: bool) -> None:
    """Show a record (KIND: GI, COLLECTIVE or CERTIFICATION; REG_NO: number or internal id)."""
    gaz = get_gazetteer(db.session)
    data = record_with_flags(db.session, gaz, find_record(db.session, kind, reg_no), on=on.date() if on else None)
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['kind']} {data['reg_no'] or data['internal_id']}: {data['name']} ({data['product'] or ''})")
    click.echo(f"  status {data['status']}, granted {data['granted_on'] or '—'}")
    for role in ("holder", "manager"):
        party = data[role]
        if party:
            unit = f" — {party['unit']['name']} ({party['unit']['code']}, {party['unit']['vintage']})" \
                if party["unit"] else ""
            click.echo(f"  {role}: {party['name']} [{party['kind']}]{unit}")
    if data["area"]:
        click.echo(f"  area: {data['area']['reexpressed']}")
    for flag in data["flags"]:
        click.echo(f"  flag {flag['rule']} ({flag['severity']}, {flag['status']})")
