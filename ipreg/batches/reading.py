"""Validate a batch re-assignment file: every row checked before anything is written.

Columns (an interface): kind, reg_no, role (holder|manager), new_party, new_party_kind, new_party_unit,
decision_no, decision_date, effective_date, note; their headers in Vietnamese, English or both
(``tables.columns``), their coded values too (``tables.values``: "tổ chức quản lý", "UBND cấp tỉnh", "CDĐL").
Units by code or name, in the units from 2025-07-01. Every problem is reported with its row and its column
as the file names it, the value and a suggestion.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..core.errors import N_, IpregError, Message
from ..core.text import fold, nfc
from ..gazetteer.snapshot import Gazetteer, Unit
from ..models import Registration
from ..registry.cells import (
    Problem,
    UnitResolver,
    Unparsable,
    cell_warnings,
    parse_date,
)
from ..registry.parties import KIND_LEVEL, party_key
from ..tables.columns import REASSIGN_ALIASES, REASSIGN_REQUIRED, column_of
from ..tables.reader import Table, read_table, sniff
from ..tables.sheets import Limits, csv_rows, xlsx_rows
from ..tables.values import (
    KINDS,
    PARTY_KIND_VI,
    PARTY_KINDS,
    ROLES,
    read_value,
    split_coded,
)
from .parties import gone_unit, written_out

EXAMPLE_MARKS = ("example", "vi du")


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
    written: str | None = None  # the party's name as the file wrote it, when written out (abbreviations)

    def after(self) -> dict:
        return {"name": self.party_name, "kind": self.party_kind, "written": self.written,
                "unit": {"code": self.unit.code, "name": self.unit.name, "vintage": self.unit.vintage}}


def read_reassignment(data: bytes, filename: str, *, max_rows: int, max_cell_chars: int,
                      max_bytes: int | None) -> Table:
    return read_table(data, filename, REASSIGN_ALIASES, REASSIGN_REQUIRED, max_rows=max_rows,
                      max_cell_chars=max_cell_chars, max_bytes=max_bytes)


def column_titles(data: bytes, filename: str, *, max_rows: int, max_cell_chars: int) -> dict[str, str]:
    """Each column's header as the file writes it ("Vai trò (role)"), read from the first row of a file
    ``read_reassignment`` has accepted: the report names columns so, not by their keys."""
    limits = Limits(max_rows, max_cell_chars)
    rows = xlsx_rows(data, limits) if sniff(data, filename) == "xlsx" else csv_rows(data, limits)
    for _line, values in rows:
        titles = [nfc(v) for v in values if isinstance(v, str)]
        return {c: t for t in titles if (c := column_of(t, REASSIGN_ALIASES))}
    return {}


@dataclass
class Cells:
    """One row's cells and what was found about them, each problem naming its column as the file does."""

    row: dict[str, str]
    line: int
    titles: dict[str, str]
    found: list[Problem] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.row.get(column, "")

    def error(self, column: str, msgid: str, suggestion: str | None = None, candidates=None, *,
              severity: str = "error", value: str | None = None, **params) -> None:
        value = self.get(column) if value is None else value
        self.found.append(Problem(self.line, self.titles.get(column, column), value, msgid,
                                  {"value": value, **params}, candidates or [], severity, suggestion=suggestion))

    def warn(self, column: str, msgid: str, suggestion: str | None = None, candidates=None, **params) -> None:
        self.error(column, msgid, suggestion, candidates, severity="warning", **params)

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.found)


class RowChecker:
    """Checks rows one by one against the registry and the gazetteer (the records of the file read once)."""

    def __init__(self, session: Session, gaz: Gazetteer, table: Table, titles: dict[str, str], *, today: date,
                 allow_future: bool):
        self.gaz, self.titles, self.today, self.allow_future = gaz, titles, today, allow_future
        self.units = UnitResolver(gaz)
        keys = {(read_value(r.get("kind"), KINDS), r.get("reg_no", "").strip()) for r in table.rows}
        self.records = _records(session, {k for k in keys if k[0] and k[1]})
        self.seen: dict[tuple[int, str], int] = {}

    def check(self, row: dict[str, str], line: int) -> tuple[RowChange | None, list[Problem]]:
        cells = Cells(row, line, self.titles)
        if fold(row.get("note", "")).startswith(EXAMPLE_MARKS):
            cells.error("note", N_("This is the template's example row"), N_("Delete the example row."))
            return None, cells.found
        kind, record = self._record(cells)
        role = self._role(cells, kind)
        party_kind = self._party_kind(cells)
        unit = self._unit(cells, party_kind)
        name = self._party(cells, party_kind, unit, role)
        dates = self._dates(cells)
        decision_no = nfc(cells.get("decision_no"))
        if not decision_no:
            cells.error("decision_no", N_("The decision number is empty"), N_("Give the number of the decision."))
        if record is not None and role:
            self._repeated(cells, record, role, name, party_kind, unit)
        if cells.failed or record is None:
            return None, cells.found
        current = record.holder if role == "holder" else record.manager
        written = nfc(cells.get("new_party"))
        return RowChange(line, record.id, kind, record_number(cells), record.name, role, record.version,
                         {"name": current.name, "kind": current.kind} if current else None, name, party_kind,
                         unit, decision_no, dates["decision_date"], dates["effective_date"],
                         nfc(cells.get("note")) or None, written if written != name else None), cells.found

    def _record(self, cells: Cells) -> tuple[str | None, Registration | None]:
        kind = read_value(cells.get("kind"), KINDS)
        if kind is None:
            cells.error("kind", N_("Unknown kind %(value)s: use GI, COLLECTIVE or CERTIFICATION"),
                        N_("Use GI, COLLECTIVE or CERTIFICATION."))
            return None, None
        reg_no = record_number(cells)
        record = self.records.get((kind, reg_no))
        if not reg_no:
            cells.error("reg_no", N_("The number is empty"), N_("Give the certificate number or the internal id."))
        elif record is None:
            cells.error("reg_no", N_("No %(kind)s record has number %(value)s"),
                        N_("Check the number; the registry search finds records by number."), kind=kind)
        return kind, record

    def _role(self, cells: Cells, kind: str | None) -> str | None:
        role = read_value(cells.get("role"), ROLES)
        if role is None:
            cells.error("role", N_("Role %(value)s is neither holder nor manager"),
                        N_("Write chủ sở hữu (holder) or tổ chức quản lý (manager)."))
        elif kind == "GI" and role == "holder":
            cells.error("role", N_("The holder of a geographical indication is the State and cannot change"),
                        N_("Re-assign the manager instead."))
        return role

    def _party_kind(self, cells: Cells) -> str | None:
        party_kind = read_value(cells.get("new_party_kind"), PARTY_KINDS)
        if party_kind is None:
            cells.error("new_party_kind", N_("Unknown kind %(value)s: use one of %(kinds)s"),
                        N_("Choose from the drop-down list of the template (its Danh mục sheet lists them)."),
                        kinds=", ".join(k for k in PARTY_KIND_VI if k != "district_pc"))
        elif party_kind == "district_pc":
            cells.error("new_party_kind", N_("District People's Committees no longer exist"),
                        N_("Use province_pc, dost or commune_pc."))
            return None
        return party_kind

    def _unit(self, cells: Cells, party_kind: str | None) -> Unit | None:
        text = cells.get("new_party_unit").strip()
        if not text:
            cells.error("new_party_unit", N_("The unit of the new party is empty"),
                        N_("Give the code or name of a unit from 2025-07-01."))
            return None
        level = KIND_LEVEL.get(party_kind or "")
        name, code = split_coded(text)
        listed = self.gaz.by_key.get(("new", code)) if code else None
        if listed is not None and (not level or listed.level == level) \
                and fold(name) in (fold(listed.name), fold(listed.short_name)):
            return listed  # as the template's list of provinces writes it: "Tỉnh Lào Cai (15)"
        unit, msgid, params, candidates, *_ = self.units.resolve(text, "new", (level,) if level else None)
        if unit is None:
            cells.error("new_party_unit", msgid, N_("Choose one of the candidates, by code."), candidates, **params)
        elif msgid:  # a close, unique candidate: accepted as a warning
            cells.warn("new_party_unit", msgid, None, candidates, **params)
        return unit

    def _party(self, cells: Cells, party_kind: str | None, unit: Unit | None, role: str | None) -> str:
        """The new party's name as the registry will keep it; warns on what the preview should show."""
        written = nfc(cells.get("new_party"))
        if not written:
            cells.error("new_party", N_("The new party is empty"), N_("Give the full name of the successor body."))
            return written
        name = written_out(written, unit)
        if name != written:
            cells.warn("new_party", N_("%(value)s written out as %(name)s"), N_("Check the full name."), name=name)
        gone = gone_unit(self.gaz, name, party_kind, role)
        if gone is not None and gone.suggested:
            cells.warn("new_party", N_("%(value)s names %(unit)s, which no longer exists since 1 July 2025; the "
                                       "body that continues it is %(suggested)s"),
                       N_("Write the successor body's name, unless the decision names this one."),
                       unit=gone.unit.name, suggested=gone.suggested)
        elif gone is not None:
            cells.warn("new_party", N_("%(value)s names %(unit)s, which no longer exists since 1 July 2025"),
                       N_("Write the successor body's name, unless the decision names this one."),
                       unit=gone.unit.name)
        return name

    def _dates(self, cells: Cells) -> dict[str, date | None]:
        dates = {}
        for column in ("decision_date", "effective_date"):
            try:
                dates[column] = parse_date(cells.get(column))
            except Unparsable as exc:
                cells.error(column, exc.msgid, N_("Write the date as 2025-07-15 or 15/07/2025."), **exc.params)
                continue
            if dates[column] is None:
                cells.error(column, N_("The %(column)s is empty"), N_("Give the date."),
                            column=self.titles.get(column, column))
            elif dates[column] > self.today and (column == "decision_date" or not self.allow_future):
                cells.error(column, N_("%(value)s is in the future"), N_("Use a date up to today."))
        return dates

    def _repeated(self, cells: Cells, record: Registration, role: str, name: str, party_kind: str | None,
                  unit: Unit | None) -> None:
        """A record and role twice in the file, or a row that changes nothing."""
        key = (record.id, role)
        if key in self.seen:
            cells.error("reg_no", N_("Record %(value)s appears again for the %(role)s (first in row %(first)d)"),
                        N_("Keep one row per record and role."), role=Message(role), first=self.seen[key])
        else:
            self.seen[key] = cells.line
        current = record.holder if role == "holder" else record.manager
        if unit is not None and party_kind and current is not None \
                and current.key == party_key(name, party_kind, unit.id):
            cells.error("new_party", N_("The row changes nothing: %(value)s is already the %(role)s"),
                        N_("Remove the row."), role=Message(role))


def validate_rows(session: Session, gaz: Gazetteer, table: Table, *, today: date, allow_future: bool,
                  titles: dict[str, str] | None = None) -> tuple[list[RowChange], list[Problem]]:
    """The changes of the valid rows and every problem found (a row with an error changes nothing)."""
    checker = RowChecker(session, gaz, table, titles or {}, today=today, allow_future=allow_future)
    changes, problems = [], []
    for row, line in zip(table.rows, table.lines):
        change, found = checker.check(row, line)
        problems.extend(found)
        if change is not None:
            changes.append(change)
    notes = cell_warnings(table.warnings)
    for note in notes:
        note.column = checker.titles.get(note.column, note.column)
    return changes, problems + notes


def record_number(cells: Cells) -> str:
    return cells.get("reg_no").strip()


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
