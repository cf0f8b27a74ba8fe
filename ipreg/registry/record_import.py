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
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..core.audit import audit_many, audit_row
from ..core.clock import utcnow
from ..core.errors import N_, IpregError, Message, plain_params
from ..core.reform import OLD_VALID_TO, vintage_on
from ..core.text import fold
from ..database import begin_write
from ..gazetteer.history import UnitHistory, get_history
from ..gazetteer.names import split_sub_commune
from ..gazetteer.snapshot import Gazetteer, Unit, get_gazetteer
from ..models import AreaEntry, Party, RecordFact, RecordProvince, Registration
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
from .facts import fact_row
from .parties import KIND_LEVEL, PartyBook, infer_kind, is_state, party_key, party_value
from .recordals import change_area, change_details, change_party
from .records import area_value, details_value, entries_of, province_rows, search_text

DECISION_LIKE = re.compile(r"(^|\W)(qd|quyet dinh)(\W|$)")
DEFAULT_VINTAGE = OLD_VALID_TO
DATE_FIELDS = ("filing_date", "granted_on", "expiry_date")
MARK_TERM_YEARS = 10  # Law on IP, art. 93(6): a mark is protected until 10 years from its filing date, renewable


@dataclass
class PartyInput:
    name: str
    kind: str
    unit: Unit | None

    def key(self) -> str:
        return party_key(self.name, self.kind, self.unit.id if self.unit else None)


@dataclass
class RecordInput:
    line: int
    kind: str
    reg_no: str | None
    name: str
    product: str | None
    granted_on: date | None
    status: str
    decision_no: str | None
    notes: str | None
    holder: PartyInput | None  # None: not known yet (the record is kept incomplete)
    manager: PartyInput | None
    entries: tuple[Entry, ...]
    area_vintage: date | None
    nice_classes: str | None = None
    filing_date: date | None = None
    expiry_date: date | None = None
    given: frozenset[str] = frozenset()  # optional columns the file has (others keep the registry's values)
    warnings: list[Problem] = field(default_factory=list)
    pending: list[Problem] = field(default_factory=list)  # place data kept verbatim: the record is incomplete
    co_managers: tuple[PartyInput, ...] = ()

    def identity(self) -> tuple:
        """Without a number a record is known by kind, name, product and holder: two GIs named after one
        place ("Bến Tre" coconut, "Bến Tre" pomelo) are two records."""
        return (self.kind, fold(self.name), fold(self.product), fold(self.holder.name) if self.holder else "")

    def pending_json(self) -> list[dict] | None:
        return [{"column": p.column, "value": p.value, "msgid": p.msgid, "params": plain_params(p.params),
                 "candidates": p.candidates} for p in self.pending] or None

    def details(self) -> dict:
        """The record's details as stored in its history (dates as ISO strings)."""
        values = {"name": self.name, "product": self.product, "nice_classes": self.nice_classes,
                  "filing_date": self.filing_date, "granted_on": self.granted_on, "expiry_date": self.expiry_date,
                  "status": self.status, "decision_no": self.decision_no, "notes": self.notes}
        return {k: (v.isoformat() if k in DATE_FIELDS and v else v) for k, v in values.items()}

    def kept(self) -> set[str]:
        """Optional details the file does not carry: the registry's values stay."""
        return set(RECORD_OPTIONAL) - self.given


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
        vintage_date = parsed("area_vintage", parse_date) if row.get("area_vintage", "").strip() else DEFAULT_VINTAGE
        if vintage_date and vintage_date > date.today():
            error("area_vintage", N_("%(value)s is in the future"))
            vintage_date = None
        vintage = vintage_on(vintage_date) if vintage_date else "old"
        self.day = vintage_date or DEFAULT_VINTAGE

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
        given = {c for c in RECORD_OPTIONAL if c in row}
        if "filing_date" in given:
            given.add("expiry_date")  # derived from the filing date
        if decision_no and not row.get("decision_no", "").strip():
            given.add("decision_no")  # written in the number column
        return RecordInput(line, kind, reg_no, name, row.get("product", "").strip() or None, granted_on,
                           status or "pending", decision_no, row.get("notes", "").strip() or None, holder,
                           managers[0] if managers else None, tuple(dict.fromkeys(entries)),
                           vintage_date if row.get("area_units", "").strip() else None, nice_classes, filing_date,
                           expiry_date,
                           frozenset(given), co_managers=tuple(managers[1:]))

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


# --- applying ------------------------------------------------------------------------------------------

def import_records(session: Session, data: bytes, filename: str, *, dry_run: bool = False, partial: bool = False,
                   actor: str | None = None, max_rows: int = 20_000, max_cell_chars: int = 2_000,
                   max_bytes: int | None = 20 * 1024 * 1024, fail_after: int | None = None,
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
        _plan_only(session, gaz, inputs, report)
        return report
    progress(2, 3, N_("writing the records"))
    begin_write(session)
    try:
        _apply(session, gaz, inputs, report, actor or "import", filename, fail_after)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    report.imported = True
    return report


def _existing(session: Session, inputs: list[RecordInput]) -> dict[int, Registration]:
    """Map input line → the record it updates (by kind and number, else by kind, name and holder)."""
    out = {}
    numbered = {(i.kind, i.reg_no): i.line for i in inputs if i.reg_no}
    if numbered:
        for reg in session.scalars(select(Registration).where(Registration.reg_no.in_({n for _, n in numbered}))):
            line = numbered.get((reg.kind, reg.reg_no))
            if line:
                out[line] = reg
    unnumbered = {i.identity(): i.line for i in inputs if not i.reg_no}
    if unnumbered:
        for reg in session.scalars(select(Registration).where(Registration.reg_no.is_(None))):
            key = (reg.kind, fold(reg.name), fold(reg.product), fold(reg.holder.name) if reg.holder else "")
            if key in unnumbered:
                out[unnumbered[key]] = reg
    return out


def _plan_only(session, gaz, inputs, report) -> None:
    existing = _existing(session, inputs)
    for item in inputs:
        reg = existing.get(item.line)
        action = "create" if reg is None else ("unchanged" if not _differences(session, gaz, reg, item) else "update")
        setattr(report, {"create": "created", "update": "updated", "unchanged": "unchanged"}[action],
                getattr(report, {"create": "created", "update": "updated", "unchanged": "unchanged"}[action]) + 1)
        report.records.append({"row": item.line, "kind": item.kind, "reg_no": item.reg_no, "name": item.name,
                               "action": action})


def _differences(session, gaz, reg: Registration, item: RecordInput) -> dict:
    diff = {}
    current = details_value(reg)
    wanted = item.details()
    changed = {k: v for k, v in wanted.items() if k not in item.kept() and current.get(k) != v}
    if changed:
        diff["details"] = changed
    for role, party in (("holder", item.holder), ("manager", item.manager)):
        current_party = getattr(reg, role)
        current_key = current_party.key if current_party else None
        if current_key != (party.key() if party else None):
            diff[role] = party
    if entries_of(gaz, reg) != item.entries or reg.area_vintage != item.area_vintage:
        diff["area"] = item.entries
    if (reg.pending or None) != item.pending_json():
        diff["pending"] = item.pending_json()
    return diff


def _apply(session, gaz, inputs, report, actor, filename, fail_after) -> None:
    existing = _existing(session, inputs)
    fresh = [i for i in inputs if i.line not in existing]
    _create(session, gaz, fresh, actor, filename, fail_after)
    report.created = len(fresh)
    for item in fresh:
        report.records.append({"row": item.line, "kind": item.kind, "reg_no": item.reg_no, "name": item.name,
                               "action": "create"})
    book = PartyBook(session)
    today = date.today()
    for item in inputs:
        reg = existing.get(item.line)
        if reg is None:
            continue
        diff = _differences(session, gaz, reg, item)
        if not diff:
            report.unchanged += 1
            report.records.append({"row": item.line, "kind": item.kind, "reg_no": item.reg_no, "name": item.name,
                                   "action": "unchanged"})
            continue
        context = {"source": "import", "actor": actor, "note": f"re-import of {filename}", "document": filename}
        if "details" in diff:
            values = {k: (date.fromisoformat(v) if k in DATE_FIELDS and v else v)
                      for k, v in diff["details"].items()}
            change_details(session, gaz, reg, values, today, **context)
        for role in ("holder", "manager"):
            if role in diff:
                party_input = diff[role]
                party = None
                if party_input is not None:
                    party = session.get(Party, book.id_for(party_input.name, party_input.kind,
                                                           party_input.unit.id if party_input.unit else None))
                change_party(session, gaz, reg, role, party, today, **context)
        if "area" in diff:
            change_area(session, gaz, reg, item.entries, item.area_vintage, today, **context)
        if "pending" in diff:
            reg.pending = diff["pending"]
        report.updated += 1
        report.records.append({"row": item.line, "kind": item.kind, "reg_no": item.reg_no, "name": item.name,
                               "action": "update"})


def _spec(party: PartyInput) -> tuple[str, str, int | None]:
    return party.name, party.kind, party.unit.id if party.unit else None


def _ids_by_internal_id(session: Session, internal_ids: list[str]) -> list[int]:
    found: dict[str, int] = {}
    for start in range(0, len(internal_ids), 900):
        chunk = internal_ids[start:start + 900]
        found.update(session.execute(select(Registration.internal_id, Registration.id)
                                     .where(Registration.internal_id.in_(chunk))).all())
    return [found[i] for i in internal_ids]


def _next_internal_number(session: Session) -> int:
    last = session.scalar(select(func.max(Registration.internal_id)))
    return int(last.split("-")[1]) + 1 if last else 1


def _create(session: Session, gaz: Gazetteer, items: list[RecordInput], actor: str, filename: str,
            fail_after: int | None) -> None:
    """Insert new records in bulk: parties, registrations, areas, history, provinces, audit."""
    if not items:
        return
    now = utcnow()
    book = PartyBook(session)
    holders = [i for i in items if i.holder]
    holder_by_line = dict(zip((i.line for i in holders), book.ids_for([_spec(i.holder) for i in holders])))
    holder_ids = [holder_by_line.get(i.line) for i in items]
    managers = [i for i in items if i.manager]
    manager_ids = dict(zip((i.line for i in managers), book.ids_for([_spec(i.manager) for i in managers])))
    first = _next_internal_number(session)
    rows = []
    for n, item in enumerate(items):
        rows.append({
            "kind": item.kind, "reg_no": item.reg_no, "internal_id": f"IPR-{first + n:06d}", "name": item.name,
            "product": item.product, "nice_classes": item.nice_classes, "filing_date": item.filing_date,
            "granted_on": item.granted_on, "expiry_date": item.expiry_date, "status": item.status,
            "decision_no": item.decision_no, "notes": item.notes,
            "holder_id": holder_ids[n], "manager_id": manager_ids.get(item.line), "area_vintage": item.area_vintage,
            "co_manager_ids": book.ids_for([_spec(m) for m in item.co_managers]) or None,
            "pending": item.pending_json(),
            "search_text": search_text(item.name, item.product, item.reg_no, f"IPR-{first + n:06d}",
                                       item.decision_no, item.holder.name if item.holder else None,
                                       item.manager.name if item.manager else None),
            "created_at": now, "updated_at": now, "version": 1,
        })
    session.execute(insert(Registration.__table__), rows)
    ids = _ids_by_internal_id(session, [r["internal_id"] for r in rows])
    parties = {p.id: p for p in session.scalars(select(Party).where(
        Party.id.in_(set(holder_by_line.values()) | set(manager_ids.values()))))}
    areas, facts, provinces, audits = [], [], [], []
    for n, (item, reg_id) in enumerate(zip(items, ids)):
        if fail_after is not None and n >= fail_after:
            raise RuntimeError("injected failure (test)")
        for position, entry in enumerate(item.entries):
            areas.append({"registration_id": reg_id, "unit_id": entry.unit.id, "position": position,
                          "coverage": entry.coverage, "via": list(entry.via) or None, "note": entry.note})
        valid_from = item.granted_on or item.area_vintage or now.date()
        note = "; ".join(p.message for p in item.warnings) or None
        common = {"source": "import", "actor": actor, "recorded_at": now, "note": note}
        facts.append(fact_row(reg_id, "details", item.details(), valid_from, **common))
        facts.append(fact_row(reg_id, "holder", party_value(parties.get(holder_ids[n]), gaz), valid_from, **common))
        if item.manager:
            facts.append(fact_row(reg_id, "manager", party_value(parties[manager_ids[item.line]], gaz), valid_from,
                                  **common))
        if item.entries:
            facts.append(fact_row(reg_id, "area", area_value(item.entries, item.area_vintage), valid_from, **common))
        provinces += province_rows(gaz, reg_id, item.entries, [
            item.holder.unit.id if item.holder and item.holder.unit else None,
            item.manager.unit.id if item.manager and item.manager.unit else None])
        audits.append(audit_row(actor, "record.create", "registration", rows[n]["internal_id"], None,
                                {"kind": item.kind, "reg_no": item.reg_no, "name": item.name}, document=filename))
    for model, payload in ((AreaEntry, areas), (RecordFact, facts), (RecordProvince, provinces)):
        if payload:
            session.execute(insert(model.__table__), payload)
    audit_many(session, audits)

