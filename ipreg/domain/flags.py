"""The flag engine: evaluate every record against the rules, then write only what changed.

Records, parties and areas are read in three bulk queries; findings are cached per party and per area (many
records share them), so a full run over tens of thousands of records takes about a second. A re-run is
idempotent: unchanged findings write nothing; a flag whose cause is gone is closed with the reason; a flag an
officer accepted, dismissed or resolved is never reopened or changed by a run.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ..database import begin_write
from ..models import AreaEntry, Flag, Party, Registration
from .areas import Entry, summarise
from .audit import audit
from .gazetteer import Gazetteer, get_gazetteer
from .history import utcnow
from .rules import Finding, PartyView, area_findings, party_findings

ENGINE = {"by": "engine"}
CAUSE_GONE_VI = "Đã tự đóng: nguyên nhân không còn (hồ sơ đã được cập nhật)."
CAUSE_GONE_EN = "Closed automatically: the cause is gone (the record was updated)."


@dataclass
class RunReport:
    records: int = 0
    findings: int = 0
    opened: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0
    unchanged: int = 0
    by_rule: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return self.__dict__.copy()

    @property
    def writes(self) -> int:
        return self.opened + self.updated + self.closed + self.reopened


def _payload(finding: Finding) -> tuple[dict, str]:
    body = {"reason_vi": finding.reason_vi, "reason_en": finding.reason_en, "suggested": finding.suggested,
            "candidates": finding.candidates, "evidence": finding.evidence, "severity": finding.severity}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    return body, digest


class Evaluator:
    """Rules over records, with findings cached per party and per area for the duration of a run."""

    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz
        self.party_cache: dict[tuple, list[tuple[Finding, dict, str]]] = {}
        self.area_cache: dict[tuple, list[tuple[Finding, dict, str]]] = {}

    def _wrap(self, findings: list[Finding]) -> list[tuple[Finding, dict, str]]:
        return [(f, *_payload(f)) for f in findings]

    def for_party(self, role: str, party: PartyView | None, entries: tuple[Entry, ...]):
        if party is None:
            return []
        # Only the abolished-district suggestion depends on the record's area.
        depends_on_area = party.unit is not None and party.unit.level == "district"
        key = (role, party.id, entries if depends_on_area else None)
        if key not in self.party_cache:
            area = summarise(self.gaz, entries) if entries else None
            self.party_cache[key] = self._wrap(party_findings(self.gaz, role, party, area))
        return self.party_cache[key]

    def for_area(self, entries: tuple[Entry, ...]):
        if not entries:
            return []
        if entries not in self.area_cache:
            self.area_cache[entries] = self._wrap(area_findings(self.gaz, summarise(self.gaz, entries)))
        return self.area_cache[entries]


def load_views(session: Session, gaz: Gazetteer, registration_ids: list[int] | None = None):
    """(id, holder view, manager view, entries) for every record, in three bulk queries."""
    regs = select(Registration.id, Registration.holder_id, Registration.manager_id)
    areas = select(AreaEntry.registration_id, AreaEntry.unit_id, AreaEntry.coverage, AreaEntry.via).order_by(
        AreaEntry.registration_id, AreaEntry.position)
    if registration_ids is not None:
        regs = regs.where(Registration.id.in_(registration_ids))
        areas = areas.where(AreaEntry.registration_id.in_(registration_ids))
    rows = session.execute(regs).all()
    party_ids = {r.holder_id for r in rows} | {r.manager_id for r in rows if r.manager_id}
    parties = {}
    for pid, name, kind, unit_id in session.execute(select(Party.id, Party.name, Party.kind, Party.unit_id)
                                                    .where(Party.id.in_(party_ids))):
        parties[pid] = PartyView(pid, name, kind, gaz.units.get(unit_id) if unit_id else None)
    entries: dict[int, list[Entry]] = defaultdict(list)
    for reg_id, unit_id, coverage, via in session.execute(areas):
        entries[reg_id].append(Entry(gaz.units[unit_id], coverage or "whole", tuple(via or ())))
    return [(r.id, parties.get(r.holder_id), parties.get(r.manager_id), tuple(entries.get(r.id, ()))) for r in rows]


def run_flags(session: Session, registration_ids: list[int] | None = None, actor: str | None = None,
              progress: Callable[[int, int], None] | None = None, within_transaction: bool = False) -> RunReport:
    """Evaluate records (all, or the given ones) and bring their flags up to date in one transaction.

    ``within_transaction`` joins the caller's transaction (a recordal and the flags it answers commit
    together) instead of committing its own.
    """
    gaz = get_gazetteer(session)
    views = load_views(session, gaz, registration_ids)
    evaluator = Evaluator(gaz)
    report = RunReport(records=len(views))
    wanted: dict[tuple[int, str, str], tuple[Finding, dict, str]] = {}
    for n, (reg_id, holder, manager, entries) in enumerate(views):
        for item in (evaluator.for_party("holder", holder, entries) + evaluator.for_party("manager", manager, entries)
                     + evaluator.for_area(entries)):
            wanted[(reg_id, item[0].rule, item[0].subject)] = item
        if progress and n % 2000 == 0:
            progress(n, len(views))
    report.findings = len(wanted)
    existing_query = select(Flag.id, Flag.registration_id, Flag.rule, Flag.subject, Flag.status, Flag.fingerprint,
                            Flag.decision, Flag.version)
    if registration_ids is not None:
        existing_query = existing_query.where(Flag.registration_id.in_(registration_ids))
    existing = {(r.registration_id, r.rule, r.subject): r for r in session.execute(existing_query)}

    now = utcnow()
    inserts, updates, closes, reopens = [], [], [], []
    for key, (finding, body, digest) in wanted.items():
        report.by_rule[finding.rule] = report.by_rule.get(finding.rule, 0) + 1
        row = existing.get(key)
        if row is None:
            inserts.append({"registration_id": key[0], "rule": finding.rule, "subject": finding.subject,
                            "severity": finding.severity, "status": "open", "reason_vi": body["reason_vi"],
                            "reason_en": body["reason_en"], "suggested": body["suggested"],
                            "candidates": body["candidates"], "evidence": body["evidence"], "fingerprint": digest,
                            "created_at": now, "updated_at": now, "version": 1})
        elif row.status == "open" and row.fingerprint != digest:
            updates.append({"_id": row.id, "reason_vi": body["reason_vi"], "reason_en": body["reason_en"],
                            "suggested": body["suggested"], "candidates": body["candidates"],
                            "evidence": body["evidence"], "severity": finding.severity, "fingerprint": digest,
                            "updated_at": now, "version": row.version + 1})
        elif row.status == "resolved" and row.decision == ENGINE:
            # closed by a run because its cause was gone, and the cause is back: open it again
            reopens.append({"_id": row.id, "status": "open", "closed_at": None, "closed_reason": None,
                            "decision": None, "fingerprint": digest, "reason_vi": body["reason_vi"],
                            "reason_en": body["reason_en"], "suggested": body["suggested"],
                            "candidates": body["candidates"], "evidence": body["evidence"], "updated_at": now,
                            "version": row.version + 1})
        else:
            report.unchanged += 1
    for key, row in existing.items():
        if key not in wanted and row.status == "open":
            closes.append({"_id": row.id, "status": "resolved", "closed_at": now,
                           "closed_reason": f"{CAUSE_GONE_VI} / {CAUSE_GONE_EN}", "decision": ENGINE,
                           "updated_at": now, "version": row.version + 1})
    report.opened, report.updated, report.closed, report.reopened = (len(inserts), len(updates), len(closes),
                                                                     len(reopens))
    if not report.writes:
        return report  # a re-run with nothing new writes nothing
    if not within_transaction:
        begin_write(session)
    table = Flag.__table__
    if inserts:
        session.execute(insert(table), inserts)
    for batch in (updates, closes, reopens):
        if batch:
            columns = [k for k in batch[0] if k != "_id"]
            session.connection().execute(update(table).where(table.c.id == bindparam("_id"))
                                         .values({c: bindparam(c) for c in columns}), batch)
    audit(session, actor or "engine", "flags.run", object_type="flags",
          after={k: v for k, v in report.as_dict().items() if k != "by_rule"})
    if not within_transaction:
        session.commit()
    return report


def refresh_record_flags(session: Session, registration_ids: list[int], actor: str | None) -> RunReport:
    """Re-evaluate records after recordals, in the caller's transaction (closing the flags answered)."""
    session.flush()
    return run_flags(session, registration_ids, actor=actor, within_transaction=True)

