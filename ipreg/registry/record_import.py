"""Import registry records from CSV/XLSX: validate every row, then write all of it in one transaction.

The report lists every problem with row, column, value and candidates. Errors reject the row; warnings are
reported and the row is imported (a missing certificate number, a decision number in the number column,
a unit read from a close, unique candidate). By default one rejected row rejects the file (nothing is
written); ``partial=True`` imports the valid rows and reports the rejected ones (``ipreg demo`` uses it).
Re-importing the same file changes nothing; a changed row updates the record and keeps its history.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from ..core.errors import N_, IpregError, Message
from ..core.reform import OLD_VALID_TO, vintage_on
from ..core.text import fold
from ..database import begin_write
from ..gazetteer.history import UnitHistory, get_history
from ..gazetteer.names import split_sub_commune
from ..gazetteer.snapshot import Gazetteer, Unit, get_gazetteer
from ..models.registry import PARTY_KINDS
from ..tables.columns import RECORD_ALIASES, RECORD_OPTIONAL, RECORD_REQUIRED
from ..tables.reader import NumberCell, read_table
from .areas import Entry
from .cells import (
    Problem,
    Resolved,
    UnitResolver,
    Unparsable,
    cell_warnings,
    parse_date,
    parse_kind,
    parse_nice_classes,
    parse_status,
)
from .parties import KIND_LEVEL, infer_kind, is_state
from .record_input import PartyInput, RecordInput
from .record_writer import plan_records, write_records

DECISION_LIKE = re.compile(r"(^|\W)(qd|quyet dinh)(\W|$)")
DEFAULT_VINTAGE = OLD_VALID_TO
MARK_TERM_YEARS = 10  # Law on IP, art. 93(6): a mark is protected until 10 years from its filing date, renewable


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    complete_rows: int = 0
    incomplete_rows: int = 0
    strict: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    incomplete: list[Problem] = field(default_factory=list)  # place data kept pending on incomplete records
    rejected_rows: list[int] = field(default_factory=list)
    imported: bool = False
    dry_run: bool = False
    records: list[dict] = field(default_factory=list)  # per row: line, record, action

    def count(self, actions: list[dict]) -> None:
        """Take the writer's action per row (create, update, unchanged) into the figures and the row list."""
        for action in actions:
            self.records.append(action)
            name = {"create": "created", "update": "updated", "unchanged": "unchanged"}[action["action"]]
            setattr(self, name, getattr(self, name) + 1)

    def as_dict(self, translatable: bool = False) -> dict:
        """The JSON report; ``translatable`` keeps each problem's msgid and params (stored job results)."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rows": {"complete": self.complete_rows, "incomplete": self.incomplete_rows,
                         "refused": len(self.rejected_rows)},
                "errors": [p.as_dict(translatable) for p in self.errors],
                "warnings": [p.as_dict(translatable) for p in self.warnings],
                "incomplete": [p.as_dict(translatable) for p in self.incomplete],
                "rejected_rows": self.rejected_rows, "imported": self.imported, "dry_run": self.dry_run,
                "records": self.records}


class RowValidator:
    """Turn table rows into ``RecordInput``s, collecting errors and warnings per cell."""

    def __init__(self, gaz: Gazetteer, history: UnitHistory | None = None, strict: bool = False):
        self.gaz = gaz
        self.units = UnitResolver(gaz, history)
        self.strict = strict
        self.day = DEFAULT_VINTAGE  # the date of the row's unit list (its area_vintage)

    def validate(self, rows: list[dict], lines: list[int]) -> tuple[list[RecordInput], list[Problem]]:
        """Rows → records. A row whose only errors are about place data is kept as an incomplete record
        (its problems become ``incomplete`` and are stored with the record) unless ``strict``."""
        inputs, problems, seen = [], [], {}
        for row, line in zip(rows, lines):
            found: list[Problem] = []
            record = self._row(row, line, found)
            if record is not None:
                self._once(record, line, seen, found)
            errors = [p for p in found if p.severity == "error"]
            if record is not None and errors and not self.strict and all(p.place for p in errors):
                for p in errors:
                    p.severity = "incomplete"
                record.pending = errors
            problems.extend(found)
            if record is not None and not any(p.severity == "error" for p in found):
                record.warnings = [p for p in found if p.severity == "warning"]
                inputs.append(record)
        return inputs, problems

    @staticmethod
    def _once(record: RecordInput, line: int, seen: dict, found: list[Problem]) -> None:
        """A number once per kind; without a number, kind + name + product + holder once."""
        if record.reg_no:
            key = (record.kind, record.reg_no)
            if key in seen:
                found.append(Problem(line, "reg_no", record.reg_no,
                                     N_("Number %(value)s appears again (first in row %(first)d)"),
                                     {"value": record.reg_no, "first": seen[key]}))
            seen.setdefault(key, line)
            return
        key = record.identity()
        if key in seen:
            found.append(Problem(line, "name", record.name,
                                 N_("%(value)s, without a number and with the same product and holder, appears "
                                    "again (first in row %(first)d)"), {"value": record.name, "first": seen[key]}))
        seen.setdefault(key, line)

    def _row(self, row: dict, line: int, found: list[Problem]) -> RecordInput | None:
        def error(column, msgid, candidates=None, **params):
            found.append(Problem(line, column, row.get(column, ""), msgid,
                                 {"value": row.get(column, ""), **params}, candidates or []))

        def warn(column, msgid, candidates=None, **params):
            found.append(Problem(line, column, row.get(column, ""), msgid,
                                 {"value": row.get(column, ""), **params}, candidates or [], "warning"))

        def parsed(column, parser, *args):
            try:
                return parser(row.get(column, ""), *args)
            except Unparsable as exc:
                found.append(Problem(line, column, row.get(column, ""), exc.msgid, exc.params))
                return None

        kind = parsed("kind", parse_kind)
        name = row.get("name", "").strip()
        if not name:
            error("name", N_("The name is empty"))
        reg_no = row.get("reg_no", "").strip() or None
        if isinstance(reg_no, NumberCell):
            warn("reg_no", N_("%(value)s was a number in the spreadsheet: if the certificate number began with "
                              "zeros they are lost; format the column as text"))
        decision_no = row.get("decision_no", "").strip() or None
        if reg_no and DECISION_LIKE.search(fold(reg_no)):
            decision_no, reg_no = decision_no or reg_no, None
            warn("reg_no", N_("%(value)s is a decision number, not a certificate number: kept as the decision "
                              "number; the record gets an internal id"))
        granted_on = parsed("granted_on", parse_date)
        status = parsed("status", parse_status, "registered" if (reg_no or decision_no) else "pending")
        if reg_no is None and status == "registered" and decision_no is None:
            warn("reg_no", N_("No certificate number for a registered record: it gets an internal id until the "
                              "number is entered"))
        vintage_date = self._list_date(row, parsed, error)
        vintage = vintage_on(vintage_date) if vintage_date else "old"

        holder = self._party(row, "holder", vintage, found, line, required=True)
        managers = self._managers(row, vintage, found, line)
        if kind == "GI" and holder is not None and holder.kind != "state":
            error("holder_kind", N_("The holder of a geographical indication is the State (kind state), "
                                    "not %(kind)s"), kind=holder.kind)
        entries = self._area(row.get("area_units", ""), vintage, found, line)
        if kind == "GI" and not row.get("area_units", "").strip():
            found.append(Problem(line, "area_units", "", N_("A geographical indication needs its production area"),
                                 {"value": ""}, place=True))
        nice_classes, filing_date, expiry_date = self._term(row, kind, status, parsed, error, warn)
        if kind is None or not name:
            return None
        return RecordInput(line, kind, reg_no, name, row.get("product", "").strip() or None, granted_on,
                           status or "pending", decision_no, row.get("notes", "").strip() or None, holder,
                           managers[0] if managers else None, tuple(dict.fromkeys(entries)),
                           vintage_date if row.get("area_units", "").strip() else None, nice_classes, filing_date,
                           expiry_date, _given(row, decision_no), co_managers=tuple(managers[1:]))

    def _list_date(self, row: dict, parsed, error) -> date | None:
        """The date of the row's unit list (``area_vintage``, default 2025-06-30): its units are read then."""
        day = parsed("area_vintage", parse_date) if row.get("area_vintage", "").strip() else DEFAULT_VINTAGE
        if day and day > date.today():
            error("area_vintage", N_("%(value)s is in the future"))
            day = None
        self.day = day or DEFAULT_VINTAGE
        return day

    def _area(self, text: str, vintage: str, found: list[Problem], line: int) -> list[Entry]:
        """Units of the area; a hamlet or village written before its commune ("xóm 1–17, xã X") makes the
        commune the unit, covered in part, with the written part kept as its note."""
        entries = []
        for item in [t.strip() for t in text.split(";") if t.strip()]:
            note, unit_text = split_sub_commune(item)
            resolved = self._resolved(unit_text, vintage, None, "area_units", found, line, item)
            if resolved is not None:
                coverage = "part" if note or resolved.coverage == "part" else "whole"
                entries.append(Entry(resolved.unit, coverage, resolved.via, note))
        return entries

    def _managers(self, row: dict, vintage: str, found: list[Problem], line: int) -> list[PartyInput]:
        """Joint managers (Ngọc Linh: two provinces' departments) are written separated by ";" in the name,
        kind and unit columns alike; one manager needs no separator."""
        names = [n.strip() for n in row.get("manager", "").split(";")]
        if len(names) < 2:
            manager = self._party(row, "manager", vintage, found, line, required=False)
            return [manager] if manager else []
        kinds = [k.strip() for k in row.get("manager_kind", "").split(";")]
        units = [u.strip() for u in row.get("manager_unit", "").split(";")]
        out = []
        for n, name in enumerate(names):
            one = {"manager": name, "manager_kind": kinds[n] if n < len(kinds) else "",
                   "manager_unit": units[n] if n < len(units) else ""}
            if (party := self._party(one, "manager", vintage, found, line, required=False)) is not None:
                out.append(party)
        return out

    @staticmethod
    def _term(row, kind, status, parsed, error, warn) -> tuple[str | None, date | None, date | None]:
        """Nice classes, filing and expiry dates: marks only have classes and a term; a GI is indefinite."""
        nice_classes = parsed("nice_classes", parse_nice_classes)
        filing_date = parsed("filing_date", parse_date)
        expiry_date = parsed("expiry_date", parse_date)
        if kind == "GI":
            if nice_classes:
                error("nice_classes", N_("Nice classes belong to marks; a geographical indication has none"))
            if expiry_date:
                error("expiry_date", N_("A geographical indication is protected indefinitely: leave the expiry "
                                        "date empty"))
            return None, filing_date, None
        if filing_date and expiry_date and expiry_date <= filing_date:
            error("expiry_date", N_("%(value)s is not after the filing date"))
        if filing_date and not expiry_date and not row.get("expiry_date", "").strip():
            expiry_date = filing_date + relativedelta(years=MARK_TERM_YEARS)  # 29 Feb → 28 Feb
        if expiry_date and expiry_date < date.today() and status == "registered":
            warn("expiry_date" if row.get("expiry_date", "").strip() else "filing_date",
                 N_("The term ended on %(date)s: renewed, or should the status be expired?"),
                 date=expiry_date.isoformat())
        return nice_classes, filing_date, expiry_date

    def _unit(self, text, vintage, levels, column, found, line) -> Unit | None:
        resolved = self._resolved(text, vintage, levels, column, found, line, text)
        return resolved.unit if resolved else None

    def _resolved(self, text, vintage, levels, column, found, line, written) -> Resolved | None:
        """The unit read on the row's list date; an unresolved unit is a place problem (kept pending)."""
        resolved = self.units.resolve(text, vintage, levels, self.day)
        if resolved.msgid:
            severity = "warning" if resolved.unit is not None else "error"
            found.append(Problem(line, column, written, resolved.msgid, {"value": written, **resolved.params},
                                 resolved.candidates, severity, place=True))
        return resolved if resolved.unit is not None else None

    def _party(self, row, role, vintage, found, line, required) -> PartyInput | None:
        name = row.get(role, "").strip()
        kind_text = row.get(f"{role}_kind", "").strip()
        unit_text = row.get(f"{role}_unit", "").strip()
        if not name:
            if required:
                found.append(Problem(line, role, "", N_("The %(role)s is empty"), {"role": Message(role)},
                                     place=True))
            elif kind_text or unit_text:
                found.append(Problem(line, role, "", N_("A %(role)s kind or unit is given without a name"),
                                     {"role": Message(role)}))
            return None
        kind = kind_text.lower()
        if not kind:
            kind = infer_kind(name)
            if kind is None:
                found.append(Problem(line, f"{role}_kind", "", N_("Give the kind of %(name)s (one of %(kinds)s)"),
                                     {"name": name, "kinds": ", ".join(PARTY_KINDS)}))
                return None
            found.append(Problem(line, f"{role}_kind", "", N_("Kind of %(name)s taken from its name: %(kind)s"),
                                 {"name": name, "kind": kind}, severity="warning"))
        elif kind not in PARTY_KINDS:
            found.append(Problem(line, f"{role}_kind", kind_text, N_("Unknown kind %(value)s: use one of %(kinds)s"),
                                 {"value": kind_text, "kinds": ", ".join(PARTY_KINDS)}))
            return None
        unit = None
        level = KIND_LEVEL.get(kind)
        if unit_text:
            unit = self._unit(unit_text, vintage, (level,) if level else None, f"{role}_unit", found, line)
        elif is_state(kind) and kind not in ("state", "state_agency"):
            found.append(Problem(line, f"{role}_unit", "", N_("A %(kind)s belongs to a unit: give %(column)s"),
                                 {"kind": kind, "column": f"{role}_unit"}, place=True))
        return PartyInput(name, kind, unit)


def _given(row: dict, decision_no: str | None) -> frozenset[str]:
    """The optional columns the row carries (the others keep the registry's values)."""
    given = {c for c in RECORD_OPTIONAL if c in row}
    if "filing_date" in given:
        given.add("expiry_date")  # derived from the filing date
    if decision_no and not row.get("decision_no", "").strip():
        given.add("decision_no")  # written in the number column
    return frozenset(given)


# --- applying ------------------------------------------------------------------------------------------

def import_records(session: Session, data: bytes, filename: str, *, dry_run: bool = False, partial: bool = False,
                   actor: str | None = None, max_rows: int = 20_000, max_cell_chars: int = 2_000,
                   max_bytes: int | None = 20 * 1024 * 1024,
                   progress: Callable[[int, int, str], None] | None = None, strict: bool = False) -> ImportReport:
    """Validate then (unless ``dry_run`` or rejected) write the whole file in one transaction.

    Rows whose only problems are place data are imported as incomplete records (``strict`` refuses them).
    ``progress(done, total, message)`` hears of each phase (a job's progress bar).
    """
    progress = progress or (lambda *_: None)
    report = ImportReport(dry_run=dry_run, strict=strict)
    try:
        table = read_table(data, filename, RECORD_ALIASES, RECORD_REQUIRED, max_rows=max_rows,
                           max_cell_chars=max_cell_chars, max_bytes=max_bytes)
    except IpregError as exc:
        report.errors.append(Problem(None, None, None, exc.msgid, exc.params))
        return report
    gaz = get_gazetteer(session)
    progress(1, 3, N_("checking every row"))
    inputs, problems = RowValidator(gaz, get_history(session), strict).validate(table.rows, table.lines)
    problems += cell_warnings(table.warnings)
    report.errors = [p for p in problems if p.severity == "error"]
    report.warnings = [p for p in problems if p.severity == "warning"]
    report.incomplete = [p for p in problems if p.severity == "incomplete"]
    report.rejected_rows = sorted({p.row for p in report.errors if p.row})
    report.incomplete_rows = sum(1 for i in inputs if i.pending)
    report.complete_rows = len(inputs) - report.incomplete_rows
    if table.unknown_columns:
        report.warnings.append(Problem(None, None, ", ".join(table.unknown_columns),
                                       N_("Columns not used: %(value)s"), {"value": ", ".join(table.unknown_columns)},
                                       severity="warning"))
    if report.errors and not partial:
        return report
    if dry_run:
        report.count(plan_records(session, gaz, inputs))
        return report
    progress(2, 3, N_("writing the records"))
    begin_write(session)
    try:
        actions = write_records(session, gaz, inputs, actor or "import", filename)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    report.count(actions)
    report.imported = True
    return report
