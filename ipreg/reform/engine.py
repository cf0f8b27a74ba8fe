"""The flag engine: evaluate every record against the rules, then write only what changed.

Records, parties and areas are read in three bulk queries; findings are cached per party and per area (many
records share them); a flag row holds the decision (rule, subject, severity, status) and a fingerprint of the
rule's inputs, while its words are built when shown. A re-run is idempotent: unchanged findings write
nothing; a flag whose cause is gone is closed with the reason; a flag an officer accepted, dismissed or
resolved is never reopened or changed by a run.
"""
from __future__ import annotations

import gc
import hashlib
import json
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from ..core.audit import audit
from ..core.clock import utcnow
from ..database import begin_write, insert_rows
from ..gazetteer.snapshot import Gazetteer, get_gazetteer
from ..models import Flag, FlagRun, Party, Registration
from ..registry.areas import AreaSummary, Entry, summarise
from .completeness import completeness_findings, pending_key
from .rules import Finding, PartyView, area_findings, party_findings

ENGINE = {"by": "engine"}
# Bump when a rule's output changes for the same inputs, so that a run refreshes every open flag.
RULES_VERSION = "3"
CAUSE_GONE_VI = "Đã tự đóng: nguyên nhân không còn (hồ sơ đã được cập nhật)."
CAUSE_GONE_EN = "Closed automatically: the cause is gone (the record was updated)."
CLOSED_BY_ENGINE = f"{CAUSE_GONE_VI} / {CAUSE_GONE_EN}"


@dataclass
class RunReport:
    records: int = 0
    findings: int = 0
    opened: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0
    unchanged: int = 0
    skipped: int = 0  # records unchanged since the last run, not evaluated again
    by_rule: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return self.__dict__.copy()

    @property
    def writes(self) -> int:
        return self.opened + self.updated + self.closed + self.reopened


def _fingerprint(gaz: Gazetteer, finding: Finding, inputs: str) -> str:
    """A finding is a function of the gazetteer load, the rule and its inputs: hash those, not the output."""
    return hashlib.sha1(f"{RULES_VERSION}|{gaz.version}|{finding.rule}|{finding.subject}|{inputs}".encode()
                        ).hexdigest()


def _entry_key(entry: Entry) -> str:
    return f"{entry.unit.vintage}:{entry.unit.code}:{entry.coverage}:{','.join(entry.via)}"


class Evaluator:
    """Rules over records, with findings cached per party and per area for the duration of a run."""

    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz
        self.party_cache: dict[tuple, list[tuple[Finding, str]]] = {}
        self.area_cache: dict[str, list[tuple[Finding, str]]] = {}
        self.last_summary: tuple[str, AreaSummary] | None = None

    def summary(self, entries: tuple[Entry, ...], area_key: str) -> AreaSummary:
        """The record's area summary, computed once for its party and area rules (only the last is kept)."""
        if self.last_summary is None or self.last_summary[0] != area_key:
            self.last_summary = (area_key, summarise(self.gaz, entries))
        return self.last_summary[1]

    def _wrap(self, findings: list[Finding], inputs: str) -> list[tuple[Finding, str]]:
        return [(f, _fingerprint(self.gaz, f, inputs)) for f in findings]

    def for_party(self, role: str, party: PartyView | None, entries: tuple[Entry, ...], area_key: str):
        if party is None:
            return []
        # Only the abolished-district suggestion depends on the record's area.
        depends_on_area = party.unit is not None and party.unit.level == "district"
        key = (role, party.id, area_key if depends_on_area else None)
        if key not in self.party_cache:
            area = self.summary(entries, area_key) if entries else None
            unit = party.unit
            inputs = f"{party.name}|{party.kind}|{unit.vintage + ':' + unit.code if unit else ''}|" + (
                area_key if depends_on_area else "")
            self.party_cache[key] = self._wrap(party_findings(self.gaz, role, party, area), inputs)
        return self.party_cache[key]

    def for_area(self, entries: tuple[Entry, ...], area_key: str):
        if not entries:
            return []
        if area_key not in self.area_cache:
            self.area_cache[area_key] = self._wrap(area_findings(self.gaz, self.summary(entries, area_key)), area_key)
        return self.area_cache[area_key]

    def findings(self, holder, manager, entries, area_key: str, pending: list[dict] | None = None):
        out = (self.for_party("holder", holder, entries, area_key)
               + self.for_party("manager", manager, entries, area_key) + self.for_area(entries, area_key))
        if pending:
            out += self._wrap(completeness_findings(pending), pending_key(pending))
        return out


def _body(finding: Finding, digest: str, now) -> dict:
    """What a run stores: the decision, not the words (see ``reform.views.payloads``)."""
    return {"severity": finding.severity, "fingerprint": digest, "updated_at": now}


def findings_for(session: Session, gaz: Gazetteer, registration_ids: list[int]) -> dict[tuple, Finding]:
    """(registration id, rule, subject) → the finding as the records stand now (words built lazily)."""
    evaluator = Evaluator(gaz)
    out = {}
    for reg_id, holder, manager, entries, area_key, pending in load_views(session, gaz, registration_ids):
        for finding, _digest in evaluator.findings(holder, manager, entries, area_key, pending):
            out[(reg_id, finding.rule, finding.subject)] = finding
    return out


def load_views(session: Session, gaz: Gazetteer, registration_ids: list[int] | None = None):
    """(id, holder view, manager view, entries, area key, pending) for every record, in three bulk queries.

    Read through the driver (plain tuples): for a whole registry the ORM's row processing would cost more
    than the rules.
    """
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    where, params = "", ()
    if registration_ids is not None:
        if not registration_ids:
            return []
        where = f" WHERE registration_id IN ({', '.join([mark] * len(registration_ids))})"
        params = tuple(registration_ids)
    rows = conn.exec_driver_sql("SELECT id, holder_id, manager_id, pending FROM registration"
                                + where.replace("registration_id", "id"), params).all()
    party_ids = {r[1] for r in rows if r[1]} | {r[2] for r in rows if r[2]}
    parties = {}
    for pid, name, kind, unit_id in session.execute(select(Party.id, Party.name, Party.kind, Party.unit_id)
                                                    .where(Party.id.in_(party_ids))):
        parties[pid] = PartyView(pid, name, kind, gaz.units.get(unit_id) if unit_id else None)
    entries: dict[int, list[Entry]] = defaultdict(list)
    keys: dict[int, list[str]] = defaultdict(list)
    units = gaz.units
    made: dict[tuple, tuple[Entry, str]] = {}  # records share units: one Entry (and its key) per distinct row
    for reg_id, unit_id, coverage, via in conn.exec_driver_sql(
            "SELECT registration_id, unit_id, coverage, via FROM area_entry" + where
            + " ORDER BY registration_id, position", params).all():
        if isinstance(via, str):
            via = json.loads(via)  # PostgreSQL's driver returns it decoded already
        via = tuple(via) if via else ()
        entry = made.get((unit_id, coverage, via))
        if entry is None:
            item = Entry(units[unit_id], coverage or "whole", via)
            entry = made[(unit_id, coverage, via)] = (item, _entry_key(item))
        entries[reg_id].append(entry[0])
        keys[reg_id].append(entry[1])
    out = []
    empty: list = []
    for reg_id, holder_id, manager_id, pending in rows:
        out.append((reg_id, parties.get(holder_id), parties.get(manager_id), tuple(entries.get(reg_id, empty)),
                    ";".join(keys.get(reg_id, empty)), json.loads(pending) if isinstance(pending, str) else pending))
    return out


@contextmanager
def _paused_gc(enabled: bool):
    """A full run allocates millions of short-lived objects: collecting during it costs a third of the time."""
    was = gc.isenabled()
    if enabled and was:
        gc.disable()
    try:
        yield
    finally:
        if enabled and was:
            gc.enable()


def run_registry(session: Session, actor: str | None = None, full: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> RunReport:
    """``ipreg flags run``: evaluate the records changed since the last complete run (all of them when the
    rules or the gazetteer changed, or when ``full``), and record the run."""
    gaz = get_gazetteer(session)
    started = utcnow()
    last = session.scalar(select(FlagRun).order_by(FlagRun.id.desc()).limit(1))
    incremental = (not full and last is not None and last.rules_version == RULES_VERSION
                   and last.gazetteer_version == gaz.version)
    ids = None
    if incremental:
        ids = list(session.scalars(select(Registration.id).where(Registration.updated_at >= last.started_at)))
    total = session.scalar(select(func.count()).select_from(Registration)) or 0
    if ids == []:
        report = RunReport(records=0, skipped=total)
        return report  # nothing changed since the last run: nothing to evaluate, nothing written
    with _paused_gc(ids is None or len(ids) > 1000):
        report = run_flags(session, ids, actor=actor, progress=progress)
    report.skipped = total - report.records
    begin_write(session)
    session.add(FlagRun(started_at=started, finished_at=utcnow(), rules_version=RULES_VERSION,
                        gazetteer_version=gaz.version, full=ids is None, report=report.as_dict(), actor=actor))
    session.commit()
    return report


def run_flags(session: Session, registration_ids: list[int] | None = None, actor: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> RunReport:
    """Evaluate records (all, or the given ones) and write their flag changes; the caller commits.

    In the caller's transaction, so that a recordal and the flags it answers commit together.
    """
    gaz = get_gazetteer(session)
    views = load_views(session, gaz, registration_ids)
    report = RunReport(records=len(views))
    wanted = _wanted(views, Evaluator(gaz), progress)
    report.findings = len(wanted)
    report.by_rule = dict(Counter(key[1] for key in wanted))
    existing = _existing_flags(session, registration_ids)
    now = utcnow()
    inserts, updates, closes, reopens = [], [], [], []
    for key, (finding, digest) in wanted.items():
        row = existing.get(key)
        if row is None:
            inserts.append({"registration_id": key[0], "rule": key[1], "subject": key[2], "status": "open",
                            "created_at": now, "version": 1, **_body(finding, digest, now)})
        elif row.status == "open" and row.fingerprint != digest:
            updates.append({"_id": row.id, "version": row.version + 1, **_body(finding, digest, now)})
        elif row.status == "resolved" and row.auto_closed:
            # closed by a run because its cause was gone, and the cause is back: open it again
            reopens.append({"_id": row.id, "status": "open", "closed_at": None, "closed_reason": None,
                            "decision": None, "reason_vi": None, "reason_en": None, "suggested": None,
                            "candidates": None, "evidence": None, "version": row.version + 1,
                            **_body(finding, digest, now)})
        else:
            report.unchanged += 1
    for key, row in existing.items():
        if key not in wanted and row.status == "open":
            closes.append({"_id": row.id, "status": "resolved", "closed_at": now, "closed_reason": CLOSED_BY_ENGINE,
                           "decision": ENGINE, "updated_at": now, "version": row.version + 1})
    report.opened, report.updated, report.closed, report.reopened = (len(inserts), len(updates), len(closes),
                                                                     len(reopens))
    if report.writes:  # a re-run with nothing new writes nothing
        _write(session, inserts, (updates, closes, reopens))
        audit(session, actor or "engine", "flags.run", object_type="flags",
              after={k: v for k, v in report.as_dict().items() if k != "by_rule"})
    return report


def _wanted(views, evaluator: Evaluator, progress) -> dict[tuple[int, str, str], tuple[Finding, str]]:
    """(record, rule, subject) → (finding, fingerprint) for every record viewed."""
    wanted = {}
    for n, (reg_id, holder, manager, entries, area_key, pending) in enumerate(views):
        for item in evaluator.findings(holder, manager, entries, area_key, pending):
            wanted[(reg_id, item[0].rule, item[0].subject)] = item
        if progress and n % 2000 == 0:
            progress(n, len(views))
    return wanted


def _existing_flags(session: Session, registration_ids: list[int] | None) -> dict:
    auto_closed = (Flag.closed_reason == CLOSED_BY_ENGINE).label("auto_closed")
    query = select(Flag.id, Flag.registration_id, Flag.rule, Flag.subject, Flag.status, Flag.fingerprint,
                   auto_closed, Flag.version)
    if registration_ids is not None:
        query = query.where(Flag.registration_id.in_(registration_ids))
    return {(r.registration_id, r.rule, r.subject): r for r in session.execute(query)}


def _write(session: Session, inserts: list[dict], changes: tuple[list[dict], ...]) -> None:
    begin_write(session)
    table = Flag.__table__
    insert_rows(session, table, inserts)
    for batch in changes:
        if batch:
            # Only rows still at the version read above: an officer's decision taken while the run evaluated
            # (a dismissal, an acceptance, an assignment) is never overwritten; the next run sees it.
            columns = [k for k in batch[0] if k != "_id"]
            session.connection().execute(
                update(table).where(table.c.id == bindparam("_id"), table.c.version == bindparam("_read_version"))
                .values({c: bindparam(c) for c in columns}),
                [{**row, "_read_version": row["version"] - 1} for row in batch])


def refresh_record_flags(session: Session, registration_ids: list[int], actor: str | None) -> RunReport:
    """Re-evaluate records after recordals, in the caller's transaction (closing the flags answered)."""
    session.flush()
    return run_flags(session, registration_ids, actor=actor)

