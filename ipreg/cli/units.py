"""``ipreg units show|project|resolve``."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..domain.gazetteer import get_gazetteer
from ..domain.units import describe_projection, describe_unit, units_for_codes
from ..extensions import db
from .common import domain_errors, echo_json, json_option

vintage_option = click.option("--vintage", type=click.Choice(["old", "new"]),
                              help="old: valid until 2025-06-30; new: from 2025-07-01.")


@click.group("units", cls=AppGroup)
def units() -> None:
    """Look up administrative units of both vintages."""


@units.command("show")
@click.argument("code")
@vintage_option
@json_option
@domain_errors
def show(code: str, vintage: str | None, as_json: bool) -> None:
    """Show a unit with its predecessors and successors."""
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


@units.command("project")
@click.argument("codes", nargs=-1, required=True)
@json_option
@domain_errors
def project(codes: tuple[str, ...], as_json: bool) -> None:
    """Project old units (communes, districts, provinces) onto the units from 2025-07-01."""
    gaz = get_gazetteer(db.session)
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
@json_option
@domain_errors
def resolve(name: str, vintage: str | None, as_json: bool) -> None:
    """Resolve a unit written as officers write it; unknown or ambiguous names list candidates."""
    gaz = get_gazetteer(db.session)
    result = gaz.names.resolve(name, vintage or "old")
    if as_json:
        echo_json(result.as_dict())
    else:
        if result.match:
            click.echo(f"{result.match.code} {result.candidates[0].path}")
        else:
            click.echo(result.message)
            for cand in result.candidates:
                why = f" ({'; '.join(cand.why)})" if cand.why else ""
                click.echo(f"  {cand.unit.code} {cand.path}  score {cand.score:.2f}{why}")
    if result.match is None:
        sys.exit(2)
