"""``ipreg flags run|list``."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..reform.engine import run_registry
from ..reform.queries import FlagQuery, flags_json
from ..reform.rules import RULES
from .common import domain_errors, echo_json, echo_table, json_option

PUBLIC_KEYS = ("record", "rule", "severity", "status", "reason", "suggested", "candidates", "evidence")


@click.group("flags", cls=AppGroup)
def flags() -> None:
    """Find records affected by the reform, and list the flags."""


def print_run(report, as_json: bool) -> None:
    if as_json:
        echo_json(report.as_dict())
        return
    click.echo(f"Evaluated {report.records} records ({report.skipped} unchanged since the last run): "
               f"{report.findings} findings; {report.opened} flags opened, {report.updated} updated, "
               f"{report.closed} closed (cause gone), {report.reopened} reopened, {report.unchanged} unchanged.")


@flags.command("run")
@click.option("--full", is_flag=True, help="Evaluate every record, not only those changed since the last run.")
@json_option
@domain_errors
def run(full: bool, as_json: bool) -> None:
    """Evaluate the records against the rules (idempotent)."""
    print_run(run_registry(db.session, actor="cli", full=full), as_json)


@flags.command("list")
@click.option("--status", type=click.Choice(["open", "accepted", "dismissed", "resolved", "all"]), default="open")
@click.option("--rule", type=click.Choice(sorted(RULES)))
@click.option("--severity", type=click.Choice(["high", "medium", "low"]))
@click.option("--province", help="New province code (from 2025-07-01).")
@json_option
@domain_errors
def list_command(status: str, rule: str | None, severity: str | None, province: str | None, as_json: bool) -> None:
    """List flags, most severe first."""
    query = FlagQuery(status=None if status == "all" else status, rule=rule, severity=severity, province=province)
    items = flags_json(db.session, query)
    if as_json:
        echo_json([{k: item[k] for k in PUBLIC_KEYS} | {"id": item["id"], "subject": item["subject"]}
                   for item in items])
        return
    rows = [{"id": item["id"], "severity": item["severity"], "rule": item["rule"],
             "record": f"{item['record']['kind']} {item['record']['reg_no'] or item['record']['internal_id']}",
             "status": item["status"],
             "suggested": item["suggested"]["party"]["name"] if item["suggested"] and "party" in item["suggested"]
             else ""} for item in items]
    echo_table([("id", "ID"), ("severity", "SEVERITY"), ("rule", "RULE"), ("record", "RECORD"), ("status", "STATUS"),
                ("suggested", "SUGGESTED SUCCESSOR")], rows)
    click.echo(f"{len(items)} flags.")
