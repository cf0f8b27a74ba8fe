"""``ipreg reassign FILE`` (validate, preview and apply a re-assignment file) and ``ipreg batches``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..actions import batches as batch_actions
from ..core.errors import IpregError
from .common import domain_errors, echo_json, json_option, operator, problem, read_input


def _print(report: dict, as_json: bool) -> None:
    if as_json:
        echo_json({"changed": report["changed"], "errors": report["errors"], "batch": report.get("batch"),
                   "warnings": report.get("warnings", []), "flags_resolved": report.get("flags_resolved", 0),
                   "changes": report.get("changes", []), "repeats": report.get("repeats")})
        return
    for change in report.get("changes", []):
        before = change["before"]["name"] if change["before"] else "—"
        click.echo(f"  row {change['row']}: {change['kind']} {change['reg_no']} {change['role']}: {before} → "
                   f"{change['after']['name']} ({change['after']['unit']['name']})")
    for label, found in [("warning", w) for w in report.get("warnings", [])] + [("error", e) for e in report["errors"]]:
        where = f"row {found['row']}, {found['column']}" if found.get("row") else "file"
        hint = f" — {found['suggestion']}" if found.get("suggestion") else ""
        click.echo(f"  {label}: {where}: {found['message']}{hint}", err=True)
    if report.get("repeats"):
        click.echo(f"  This file repeats batch {report['repeats']}, which was rolled back.")


@click.command("reassign")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report without writing.")
@json_option
@with_appcontext
@domain_errors
def reassign_command(file: Path, dry_run: bool, as_json: bool) -> None:
    """Re-assign holders/managers from a file: validated row by row, applied in one transaction."""
    data = read_input(file, as_json, {"changed": 0, "batch": None})
    cfg = current_app.config
    limits = {"max_rows": cfg["IPREG_MAX_ROWS"], "max_cell_chars": cfg["IPREG_MAX_CELL_CHARS"],
              "max_bytes": cfg["MAX_CONTENT_LENGTH"]}
    report = batch_actions.preview_file(operator(), data, file.name, limits=limits, store=not dry_run,
                                        allow_future=cfg["IPREG_ALLOW_FUTURE_EFFECTIVE"])
    if report["errors"]:
        _print(report, as_json)
        if not as_json:
            click.echo(f"Rejected: {len(report['errors'])} problems; nothing was written.", err=True)
        sys.exit(2)
    if not dry_run:
        try:
            applied = batch_actions.apply_now(operator(), report["batch"], confirm=report["changed"])
        except IpregError as exc:  # refused at apply (a record changed meanwhile): the report's shape still
            report.update(changed=0, errors=[problem(exc.message)])
            _print(report, as_json)
            sys.exit(2)
        report["flags_resolved"] = applied["flags_resolved"]
    _print(report, as_json)
    if not as_json:
        verb = "Would change" if dry_run else f"Batch {report['batch']} applied: changed"
        click.echo(f"{verb} {report['changed']} records; {report.get('flags_resolved', 0)} flags resolved.")


@click.group("batches", cls=AppGroup)
def batches() -> None:
    """List and roll back re-assignment batches."""


@batches.command("list")
@json_option
@domain_errors
def list_command(as_json: bool) -> None:
    rows = [{"id": b.id, "status": b.status, "file": b.filename, "file_hash": b.file_hash, "changed": b.changed,
             "created_by": b.created_by, "created_at": b.created_at.isoformat(),
             "applied_at": b.applied_at.isoformat() if b.applied_at else None,
             "rollback_reason": b.rollback_reason} for b in batch_actions.list_batches(operator())]
    if as_json:
        echo_json(rows)
        return
    click.echo(f"{'batch':>5} {'status':<12} {'records':>7} {'sha-256':<12} file")
    for r in rows:
        click.echo(f"{r['id']:>5} {r['status']:<12} {r['changed']:>7} {r['file_hash'][:12]} {r['file']}")


@batches.command("rollback")
@click.argument("batch_id", type=int)
@click.option("--reason", required=True, help="Why the batch is rolled back (kept in the audit log).")
@domain_errors
def rollback_command(batch_id: int, reason: str) -> None:
    """Roll back an applied batch (refused for records changed after it)."""
    result = batch_actions.rollback_now(operator(), batch_id, reason)
    click.echo(f"Batch {result['batch']} rolled back: {result['restored']} records restored, "
               f"{result['reopened']} flags reopened.")
