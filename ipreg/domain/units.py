"""The JSON shapes of units and projections, shared by ``ipreg units``, the API and the unit pages."""
from __future__ import annotations

from .gazetteer import Gazetteer, Projection, Unit


def link_dict(link, unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name, "level": unit.level, "vintage": unit.vintage,
            "kind": link.kind, "share": None if link.share is None else round(link.share, 4),
            "legal_basis": link.legal_basis}


def describe_unit(gaz: Gazetteer, unit: Unit) -> dict:
    parent = gaz.parent(unit)
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "type": unit.type,
        "vintage": unit.vintage,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "parent": {"code": parent.code, "name": parent.name, "level": parent.level} if parent else None,
        "province_code": unit.province_code,
        "legal_basis": unit.legal_basis,
        "successors": [link_dict(l, u) for l, u in sorted(gaz.successors_of(unit), key=lambda t: t[1].code)],
        "predecessors": [link_dict(l, u) for l, u in sorted(gaz.predecessors_of(unit),
                                                            key=lambda t: (t[1].level != "commune", t[1].code))],
    }


def describe_projection(projection: Projection) -> dict:
    return {
        "new_units": [{"code": c.unit.code, "name": c.unit.name, "province_code": c.unit.province_code,
                       "coverage": c.coverage, "share": c.share} for c in projection.new_units],
        "new_provinces": projection.new_provinces,
    }


def units_for_codes(gaz: Gazetteer, codes: list[str], vintage: str = "old") -> list[Unit]:
    """Old units by code for projection (a district or province code stands for all its communes)."""
    return [gaz.get(code, vintage) for code in codes]
