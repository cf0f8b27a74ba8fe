"""Who may see what: the one definition of a user's scope over records and units.

A provincial user's scope is a list of new (2025-07-01) province codes; ``None`` is everything (officers,
administrators). A record is in scope when its area or one of its parties lies in one of those provinces
(``record_province``, vintage new); a unit when it is, or became part of, one of them. The anonymous public
(``public_only``) sees registered records only. Every list, map, export, statistic and API asks here.
"""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..core.errors import N_, Forbidden, NotFound
from ..gazetteer.snapshot import Gazetteer, Unit
from ..models import RecordProvince, Registration

Scope = list[str] | None


class OutOfScope(Forbidden):
    """A record of another province: refused and audited as a denial, answered as a missing id by the web
    layer (``web.security.as_missing``), so that nothing tells a provincial user which ids exist elsewhere."""


def in_provinces(record_id, vintage: str, codes) -> object:
    """The clause 'the record (an id column or value) touches one of these provinces of this vintage'."""
    return exists().where(RecordProvince.registration_id == record_id, RecordProvince.vintage == vintage,
                          RecordProvince.province_code.in_(codes))


def visible_clause(scope: Scope, public_only: bool = False, record_id=Registration.id) -> list:
    """The WHERE clauses restricting records (by ``record_id``) to those the user may see; [] for all."""
    clauses = []
    if scope is not None:
        clauses.append(in_provinces(record_id, "new", scope or ["--"]))
    if public_only:
        clauses.append(Registration.status == "registered")
    return clauses


def visible_ids(scope: Scope):
    """A subquery of the ids of the records in ``scope`` (for statistics that count by id)."""
    return select(RecordProvince.registration_id).where(RecordProvince.vintage == "new",
                                                        RecordProvince.province_code.in_(scope or ["--"]))


def check_visible(session: Session, reg: Registration, scope: Scope, public_only: bool = False) -> None:
    """Refuse a record outside the user's provinces, or unregistered for the anonymous public (as missing)."""
    if public_only and reg.status != "registered":
        raise NotFound(N_("No record %(id)s"), id=reg.reg_no or reg.internal_id)
    if scope is not None and not session.scalar(select(in_provinces(reg.id, "new", scope or ["--"]))):
        raise OutOfScope(N_("Record %(record)s belongs to another province."), record=reg.reg_no or reg.internal_id)


def new_provinces_of(gaz: Gazetteer, unit: Unit) -> set[str]:
    """The new provinces a unit is, or became part of."""
    if unit.vintage == "new":
        return {unit.province_code}
    return {gaz.units[link.new_id].province_code for atom in gaz.atoms(unit) for link in gaz.successors.get(atom, ())}


def unit_visible(gaz: Gazetteer, unit: Unit, scope: Scope) -> bool:
    return scope is None or bool(new_provinces_of(gaz, unit) & set(scope))


def check_unit_visible(gaz: Gazetteer, unit: Unit, scope: Scope) -> None:
    """A provincial user sees only the units that are, or became part of, one of their provinces."""
    if not unit_visible(gaz, unit, scope):
        raise Forbidden(N_("%(name)s is outside your provinces."), name=unit.name)
