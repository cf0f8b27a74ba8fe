"""``ipreg units show|project|resolve``."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..extensions import db
from ..gazetteer.dated_names import resolve_on
from ..gazetteer.describe import describe_projection, describe_unit, describe_unit_on, project_on, units_for_codes
from ..gazetteer.history import get_history
from ..gazetteer.snapshot import get_gazetteer
from ..registry.cells import Unparsable, parse_date
from .common import domain_errors, echo_json, json_option

vintage_option = click.option("--vintage", type=click.Choice(["old", "new"]),
                              help="old: valid until 2025-06-30; new: from 2025-07-01.")


def _day(_ctx, _param, value):
    try:
        return parse_date(value) if value else None
    except Unparsable as exc:
        raise click.BadParameter(str(exc)) from None


on_option = click.option("--on", "day", callback=_day,
                         help="A date (2008-05-01 or 01/05/2008): read units as they stood then (since 2004-08-31).")


@click.group("units", cls=AppGroup)
def units() -> None:
    """Look up administrative units of both vintages."""


@units.command("show")
@click.argument("code")
@vintage_option
@on_option
@json_option
@domain_errors
def show(code: str, vintage: str | None, day, as_json: bool) -> None:
    """Show a unit with its predecessors and successors; with --on, the unit that bore the code that day."""
    if day is not None:
        data = describe_unit_on(db.session, get_history(db.session), code, day, vintage)
        if as_json:
            echo_json(data)
        else:
            _echo_span(data)
        return
    gaz = get_gazetteer(db.session)
    data = describe_unit(gaz, gaz.get(code, vintage))
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['name']} ({data['code']}, {data['level']}, {data['vintage']}: "
               f"{data['valid_from'] or '…'} – {data['valid_to'] or '…'})")
    if data["parent"]:
        click.echo(f"  in {data['parent']['name']} ({data['parent']['code']})")
    if data["legal_basis"]:
        click.echo(f"  legal basis: {data['legal_basis']}")
    for title, key in (("Successors", "successors"), ("Predecessors", "predecessors")):
        if data[key]:
            click.echo(f"  {title}:")
            for item in data[key]:
                share = f", share {item['share']:.0%}" if item["share"] is not None else ""
                click.echo(f"    {item['code']} {item['name']} [{item['kind']}{share}]")


def _echo_span(data: dict) -> None:
    if "spans" not in data.get("life", {}):  # a unit from 2025-07-01
        click.echo(f"{data['name']} ({data['code']}, {data['level']}, {data['vintage']})")
        return
    click.echo(f"{data['name']} ({data['code']}, {data['level']}, {data['valid_from']} – {data['valid_to']}), "
               f"in {data['parent'] or data['province']}")
    succ = data["successor_2025_06_30"]
    click.echo(f"  on 2025-06-30: {succ['code']} {succ['path']} ({succ['coverage']}, {data['method']})" if succ
               else f"  on 2025-06-30: not known ({data['method']}): the officer decides")
    for item in data["successors"]:
        click.echo(f"  from 2025-07-01: {item['code']} {item['name']} [{item['kind']}]")
    click.echo("  Life of the code:")
    for span in data["life"]["spans"]:
        click.echo(f"    {span['valid_from']} – {span['valid_to']}  {span['name']} ({span['parent'] or ''})")
    for event in data["life"]["events"]:
        click.echo(f"    {event['day']} {event['event']}: {event['old_name'] or ''} → {event['new_name'] or ''}"
                   f"{'  [' + event['acts'] + ']' if event['acts'] else ''}")


@units.command("project")
@click.argument("codes", nargs=-1, required=True)
@on_option
@json_option
@domain_errors
def project(codes: tuple[str, ...], day, as_json: bool) -> None:
    """Project old units (communes, districts, provinces) onto the units from 2025-07-01; with --on, codes
    are read as they stood that day and followed through 2025-06-30."""
    gaz = get_gazetteer(db.session)
    if day is not None:
        data = project_on(get_history(db.session), list(codes), day)
    else:
        data = describe_projection(gaz.project(units_for_codes(gaz, list(codes))))
    if as_json:
        echo_json(data)
        return
    for item in data["new_units"]:
        share = f" ({item['share']:.0%})" if item["share"] is not None and item["coverage"] == "part" else ""
        click.echo(f"{item['code']} {item['name']} [{item['province_code']}] {item['coverage']}{share}")
    click.echo(f"New provinces: {', '.join(data['new_provinces'])}")


@units.command("resolve")
@click.argument("name")
@vintage_option
@on_option
@json_option
@domain_errors
def resolve(name: str, vintage: str | None, day, as_json: bool) -> None:
    """Resolve a unit written as officers write it, as it stood --on a date (default: 2025-06-30, or
    2025-07-01 with --vintage new); a unit that ceased before is followed to its 2025-06-30 successor with a
    warning; unknown or ambiguous names list candidates."""
    result = resolve_on(get_history(db.session), name, day, vintage=vintage or "old")
    if as_json:
        echo_json(result.as_dict())
    else:
        if result.unit:
            click.echo(f"{result.unit.code} {result.path}")
            for note in result.notes:
                click.echo(f"  warning: {note}")
        else:
            click.echo(result.message)
            for cand in result.candidates:
                why = f" ({'; '.join(cand['why'])})" if cand.get("why") else ""
                written = cand.get("as_written")
                was = (f"{written['name']} {written['code']} {written['valid_from']} – {written['valid_to']} → "
                       if written else "")
                click.echo(f"  {was}{cand.get('code') or '?'} {cand.get('path') or ''}{why}")
    if result.unit is None:
        sys.exit(2)
