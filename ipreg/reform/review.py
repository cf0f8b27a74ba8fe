"""The officers' review of flags: accept (with the recordal it calls for), dismiss, assign, comment.

Accepting a party flag records the successor as the record's new holder or manager from the decision's
effective date; accepting AREA_REEXPRESSION records the area in the units of 2025-07-01. The record's other
flags are then re-evaluated in the same transaction, so the ones the change answered close with it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.audit import audit
from ..core.clock import utcnow
from ..core.errors import N_, Conflict, IpregError, Message
from ..core.reform import REFORM_DATE
from ..core.text import nfc
from ..gazetteer.snapshot import Gazetteer
from ..models import Flag, FlagComment, Party, Registration, User
from ..registry.areas import entries_for_reexpression, summarise
from ..registry.parties import KIND_LEVEL, PartyBook
from ..registry.recordals import change_area, change_party
from ..registry.records import entries_of
from .engine import refresh_record_flags
from .views import payloads

PARTY_RULES = {"HOLDER_BODY_ABOLISHED", "MANAGER_BODY_ABOLISHED", "HOLDER_BODY_MERGED", "MANAGER_BODY_MERGED",
               "HOLDER_UNIT_SPLIT", "MANAGER_UNIT_SPLIT", "HOLDER_BODY_RENAMED", "MANAGER_BODY_RENAMED",
               "ADDRESS_OUTDATED"}
ACKNOWLEDGE_RULES = {"AREA_CROSSES_PROVINCES", "AREA_PARTIAL_UNITS"}


def _check_open(flag: Flag, expected_version) -> None:
    if expected_version is not None and str(expected_version).strip() != str(flag.version):
        raise Conflict(N_("This flag was changed by someone else since you opened it; reload it."))
    if flag.status != "open":
        raise Conflict(N_("This flag is already %(status)s."), status=Message(flag.status))


def keep_words(session: Session, flag: Flag) -> dict:
    """Store the flag's words in its row, as the officer saw them when deciding."""
    words = payloads(session, [flag])[flag.id]
    flag.reason_vi, flag.reason_en = words["reason_vi"], words["reason_en"]
    flag.suggested, flag.candidates, flag.evidence = words["suggested"], words["candidates"], words["evidence"]
    return words


def successor_options(words: dict) -> list[dict]:
    """The suggestion (if any) followed by the alternatives, as the review page offers them."""
    suggested = words.get("suggested")
    return ([suggested] if suggested and "party" in suggested else []) + list(words.get("candidates") or [])


def _successor_party(session: Session, gaz: Gazetteer, choice: dict) -> Party:
    name = nfc((choice.get("party") or {}).get("name"))
    kind = (choice.get("party") or {}).get("kind")
    code = (choice.get("unit") or {}).get("code")
    if not name or not kind:
        raise IpregError(N_("Give the successor's name and kind."))
    unit = gaz.by_key.get(("new", code or ""))
    if unit is None:
        raise IpregError(N_("The successor's unit %(code)s is not a unit from 2025-07-01."), code=code or "")
    level = KIND_LEVEL.get(kind)
    if level and unit.level != level:
        raise IpregError(N_("A %(kind)s belongs to a %(level)s, not to %(unit)s."), kind=kind, level=Message(level),
                         unit=unit.name)
    return session.get(Party, PartyBook(session).id_for(name, kind, unit.id))


def accept_flag(session: Session, gaz: Gazetteer, flag: Flag, *, choice: dict | None, decision_no: str,
                decision_date: date | None, effective_date: date | None, actor: str | None,
                document: dict | None = None, expected_version=None, note: str | None = None) -> dict:
    """Accept a flag; returns what changed. The caller commits."""
    _check_open(flag, expected_version)
    decision_no = nfc(decision_no)
    if not decision_no:
        raise IpregError(N_("Give the number of the decision that records the change."))
    effective = effective_date or decision_date or utcnow().date()
    if effective > utcnow().date():
        raise IpregError(N_("The effective date %(date)s is in the future."), date=effective.isoformat())
    reg: Registration = flag.registration
    words = keep_words(session, flag)
    context = {"source": "review", "actor": actor, "decision_no": decision_no, "decision_date": decision_date,
               "flag_id": flag.id, "note": note, "document": (document or {}).get("filename")}
    change = None
    if flag.rule in PARTY_RULES:
        if flag.subject == "holder" and reg.kind == "GI":
            raise IpregError(N_("The holder of a geographical indication is the State and cannot change."))
        suggested = words["suggested"]
        choice = choice or (suggested if suggested and "party" in suggested else None)
        if choice is None:
            raise IpregError(N_("This flag has no single suggestion: choose one of the candidates."))
        party = _successor_party(session, gaz, choice)
        change = change_party(session, gaz, reg, flag.subject, party, effective, **context)
    elif flag.rule == "AREA_REEXPRESSION":
        entries = entries_of(gaz, reg)
        new_entries = entries_for_reexpression(summarise(gaz, entries), gaz)
        change = change_area(session, gaz, reg, new_entries, REFORM_DATE, effective, **context)
    elif flag.rule not in ACKNOWLEDGE_RULES:  # pragma: no cover - every rule is handled above
        raise IpregError(N_("Unknown rule %(rule)s."), rule=flag.rule)
    status = flag.status = "accepted"  # the officer's decision; "resolved" is a cause that went away by itself
    flag.closed_at = utcnow()
    flag.updated_at = flag.closed_at
    flag.decision = {"decision_no": decision_no, "decision_date": decision_date.isoformat() if decision_date else None,
                     "effective_date": effective.isoformat(), "by": actor, "document": document,
                     "successor": change["after"] if change and flag.rule in PARTY_RULES else None, "note": note}
    session.flush()
    audit(session, actor, "flag.accept", object_type="flag", object_id=flag.id, before={"status": "open"},
          after={"status": status, "decision": flag.decision}, document=decision_no)
    refresh_record_flags(session, [reg.id], actor=actor)
    return {"status": status, "change": change}


def dismiss_flag(session: Session, flag: Flag, reason: str, actor: str | None, expected_version=None) -> None:
    _check_open(flag, expected_version)
    reason = nfc(reason)
    if not reason:
        raise IpregError(N_("Give the reason for dismissing the flag."))
    keep_words(session, flag)
    flag.status, flag.closed_at, flag.closed_reason = "dismissed", utcnow(), reason
    flag.decision = {"by": actor, "dismissed": True}
    flag.updated_at = flag.closed_at
    audit(session, actor, "flag.dismiss", object_type="flag", object_id=flag.id, before={"status": "open"},
          after={"status": "dismissed", "reason": reason})


def assign_flag(session: Session, flag: Flag, assignee: User | None, actor: str | None) -> None:
    before = flag.assignee.username if flag.assignee else None
    flag.assignee_id = assignee.id if assignee else None
    flag.updated_at = utcnow()
    audit(session, actor, "flag.assign", object_type="flag", object_id=flag.id, before={"assignee": before},
          after={"assignee": assignee.username if assignee else None})


def flag_comments(session: Session, flag: Flag) -> list[FlagComment]:
    return list(session.scalars(select(FlagComment).where(FlagComment.flag_id == flag.id).order_by(FlagComment.id)))


def comment_flag(session: Session, flag: Flag, body: str, actor: str) -> FlagComment:
    body = nfc(body)
    if not body:
        raise IpregError(N_("The comment is empty."))
    if len(body) > 4000:
        raise IpregError(N_("The comment is longer than %(n)d characters."), n=4000)
    comment = FlagComment(flag_id=flag.id, author=actor, body=body, created_at=utcnow())
    session.add(comment)
    audit(session, actor, "flag.comment", object_type="flag", object_id=flag.id, after={"body": body[:200]})
    return comment
