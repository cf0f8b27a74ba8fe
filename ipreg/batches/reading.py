"""Validate a batch re-assignment file: every row checked before anything is written.

Columns (an interface): kind, reg_no, role (holder|manager), new_party, new_party_kind, new_party_unit,
decision_no, decision_date, effective_date, note. Units by code or name, in the units from 2025-07-01.
Every problem is reported with row, column, value and a suggestion.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..core.errors import N_, IpregError, Message
from ..core.text import fold, nfc
from ..gazetteer.snapshot import Gazetteer, Unit
from ..models import Registration
from ..models.registry import PARTY_KINDS
from ..registry.cells import Problem, UnitResolver, Unparsable, cell_warnings, parse_date, parse_kind
from ..registry.parties import KIND_LEVEL, party_key
from ..tables.columns import REASSIGN_ALIASES, REASSIGN_REQUIRED
from ..tables.reader import Table, read_table

EXAMPLE_MARK = "example"


@dataclass
class RowChange:
    line: int
    registration_id: int
    kind: str
    reg_no: str
    name: str
    role: str
    version: int
    before: dict | None
    party_name: str
    party_kind: str
    unit: Unit
    decision_no: str
    decision_date: date
    effective_date: date
    note: str | None

    def after(self) -> dict:
        return {"name": self.party_name, "kind": self.party_kind,
                "unit": {"code": self.unit.code, "name": self.unit.name, "vintage": self.unit.vintage}}


def read_reassignment(data: bytes, filename: str, *, max_rows: int, max_cell_chars: int,
                      max_bytes: int | None) -> Table:
    return read_table(data, filename, REASSIGN_ALIASES, REASSIGN_REQUIRED, max_rows=max_rows,
                      max_cell_chars=max_cell_chars, max_bytes=max_bytes)


def validate_rows(session: Session, gaz: Gazetteer, table: Table, *, today: date, allow_future: bool
                  ) -> tuple[list[RowChange], list[Problem]]:
    units = UnitResolver(gaz)
    keys = {(parse_kind_or_none(r.get("kind", "")), r.get("reg_no", "").strip()) for r in table.rows}
    records = _records(session, {k for k in keys if k[0] and k[1]})
    changes, problems, seen = [], [], {}
    for row, line in zip(table.rows, table.lines):
        found: list[Problem] = []

        def error(column, msgid, suggestion=None, candidates=None, **params):
            value = row.get(column, "")
            found.append(Problem(line, column, value, msgid, {"value": value, **params}, candidates or [],
                                 suggestion=suggestion))

        if fold(row.get("note", "")).startswith(EXAMPLE_MARK) or fold(row.get("note", "")).startswith("vi du"):
            error("note", N_("This is the template's example row"), N_("Delete the example row."))
            problems.extend(found)
            continue
        try:
            kind = parse_kind(row.get("kind", ""))
        except Unparsable as exc:
            error("kind", exc.msgid, N_("Use GI, COLLECTIVE or CERTIFICATION."), **exc.params)
            kind = None
        reg_no = row.get("reg_no", "").strip()
        record = records.get((kind, reg_no)) if kind else None
        if kind and not reg_no:
            error("reg_no", N_("The number is empty"), N_("Give the certificate number or the internal id."))
        elif kind and record is None:
            error("reg_no", N_("No %(kind)s record has number %(value)s"),
                  N_("Check the number; the registry search finds records by number."), kind=kind)
        role = row.get("role", "").strip().lower()
        if role not in ("holder", "manager"):
            error("role", N_("Role %(value)s is neither holder nor manager"), N_("Write holder or manager."))
            role = None
        elif kind == "GI" and role == "holder":
            error("role", N_("The holder of a geographical indication is the State and cannot change"),
                  N_("Re-assign the manager instead."))
        name = nfc(row.get("new_party", ""))
        if not name:
            error("new_party", N_("The new party is empty"), N_("Give the full name of the successor body."))
        party_kind = row.get("new_party_kind", "").strip().lower()
        if party_kind not in PARTY_KINDS:
            error("new_party_kind", N_("Unknown kind %(value)s: use one of %(kinds)s"),
                  N_("See the kinds sheet of the template."), kinds=", ".join(PARTY_KINDS))
            party_kind = None
        elif party_kind == "district_pc":
            error("new_party_kind", N_("District People's Committees no longer exist"),
                  N_("Use province_pc, dost or commune_pc."))
            party_kind = None
        unit = None
        unit_text = row.get("new_party_unit", "").strip()
        if not unit_text:
            error("new_party_unit", N_("The unit of the new party is empty"),
                  N_("Give the code or name of a unit from 2025-07-01."))
        else:
            level = KIND_LEVEL.get(party_kind or "")
            unit, msgid, params, candidates, *_ = units.resolve(unit_text, "new", (level,) if level else None)
            if unit is None:
                error("new_party_unit", msgid, N_("Choose one of the candidates, by code."), candidates, **params)
            elif msgid:  # a close, unique candidate: accepted as a warning
                found.append(Problem(line, "new_party_unit", unit_text, msgid, {"value": unit_text, **params},
                                     candidates, "warning"))
        dates = {}
        for column in ("decision_date", "effective_date"):
            try:
                dates[column] = parse_date(row.get(column, ""))
            except Unparsable as exc:
                error(column, exc.msgid, N_("Write the date as 2025-07-15 or 15/07/2025."), **exc.params)
                continue
            if dates[column] is None:
                error(column, N_("The %(column)s is empty"), N_("Give the date."), column=column)
            elif dates[column] > today and (column == "decision_date" or not allow_future):
                error(column, N_("%(value)s is in the future"), N_("Use a date up to today."))
        decision_no = nfc(row.get("decision_no", ""))
        if not decision_no:
            error("decision_no", N_("The decision number is empty"), N_("Give the number of the decision."))
        if record is not None and role:
            key = (record.id, role)
            if key in seen:
                error("reg_no", N_("Record %(value)s appears again for the %(role)s (first in row %(first)d)"),
                      N_("Keep one row per record and role."), role=Message(role), first=seen[key])
            else:
                seen[key] = line
            if unit is not None and party_kind:
                current = record.holder if role == "holder" else record.manager
                if current is not None and current.key == party_key(name, party_kind, unit.id):
                    error("new_party", N_("The row changes nothing: %(value)s is already the %(role)s"),
                          N_("Remove the row."), role=Message(role))
        errors = [p for p in found if p.severity == "error"]
        problems.extend(found)
        if not errors and record is not None:
            current = record.holder if role == "holder" else record.manager
            changes.append(RowChange(line, record.id, kind, reg_no, record.name, role, record.version,
                                     {"name": current.name, "kind": current.kind} if current else None, name,
                                     party_kind, unit, decision_no, dates["decision_date"], dates["effective_date"],
                                     nfc(row.get("note", "")) or None))
    return changes, problems + cell_warnings(table.warnings)


def parse_kind_or_none(text: str) -> str | None:
    try:
        return parse_kind(text)
    except Unparsable:
        return None


def _records(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Registration]:
    out = {}
    numbers = sorted({n for _, n in keys})
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        for reg in session.scalars(select(Registration).where(
                or_(Registration.reg_no.in_(chunk), Registration.internal_id.in_(chunk)))):
            for number in (reg.reg_no, reg.internal_id):
                if (reg.kind, number) in keys:
                    out[(reg.kind, number)] = reg
    return out


def file_problem(exc: IpregError) -> Problem:
    return Problem(None, None, None, exc.msgid, exc.params, suggestion=N_("Correct the file and upload it again."))
