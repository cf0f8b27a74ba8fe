"""What a draft request asks the IP Office to record: per flag, the value registered BEFORE the decision and
the one requested AFTER it, with the acts the change rests on.

Before an officer accepts a flag, the registry still holds the registered body (or area): that is the
"before", and the rule's suggestion is the "after". Once the flag is accepted the registry already holds the
successor, so the current state would say the same thing twice ("from UBND tỉnh Ninh Bình to UBND tỉnh Ninh
Bình"); the "after" is then the fact the decision recorded, and the "before" the value the record's history
held just before that fact (``registry.facts``: the bitemporal history the recordals write).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..core.reform import REFORM_DATE
from ..gazetteer.snapshot import Gazetteer, Unit
from ..models import Flag, Party, RecordFact, Registration
from ..registry.areas import entries_for_reexpression, summarise
from ..registry.facts import facts_of, state_on
from ..registry.parties import party_value
from ..registry.records import area_value, entries_of
from .letters_acts import Act, acts_of_evidence, acts_of_units

PARTY_ROLES = ("holder", "manager")
# Flags that ask for no change to the registry (an acknowledgement) and flags closed because their cause went.
NO_CHANGE_RULES = frozenset({"AREA_CROSSES_PROVINCES", "AREA_PARTIAL_UNITS", "DATA_MISSING", "AREA_UNRESOLVED"})


@dataclass(frozen=True)
class Change:
    """One change to request: ``before``/``after`` are fact values (a party or an area, as the history stores
    them); ``after`` None with ``options`` when the successor is still to be chosen among candidates."""

    flag: Flag
    role: str
    before: dict | None
    after: dict | None
    options: tuple[dict, ...]
    decision: dict | None
    acts: frozenset[Act]


def decision_fact(facts: list[RecordFact], flag: Flag) -> RecordFact | None:
    """The fact an accepted flag's decision recorded: written with the flag's id by the review, with the
    batch's id by a batch re-assignment (the latest one of the flag's role, retracted ones left out)."""
    batch = (flag.decision or {}).get("batch")
    found = [f for f in facts if f.role == flag.subject and f.retracted_at is None
             and (f.flag_id == flag.id or (batch is not None and f.batch_id == batch))]
    return max(found, key=lambda f: (f.recorded_at, f.id)) if found else None


def value_before(facts: list[RecordFact], fact: RecordFact):
    """The value of ``fact``'s role that held on its legal date, as known when it was recorded, without it."""
    earlier = [f for f in facts if f.role == fact.role and f.id < fact.id]
    return state_on(earlier, fact.valid_from, known_at=fact.recorded_at).get(fact.role)


def _decided(flag: Flag, fact: RecordFact) -> dict:
    decision = flag.decision or {}
    return {"decision_no": fact.decision_no or decision.get("decision_no"),
            "decision_date": (fact.decision_date.isoformat() if fact.decision_date else decision.get("decision_date")),
            "effective_date": fact.valid_from.isoformat()}


def _proposed(session: Session, gaz: Gazetteer, reg: Registration, flag: Flag, words: dict) -> tuple:
    """(before, after, options) of a flag not decided yet: the registry as it is, and the suggestion."""
    if flag.subject == "area":
        entries = entries_of(gaz, reg)
        after = entries_for_reexpression(summarise(gaz, entries), gaz)
        return area_value(entries, reg.area_vintage), area_value(after, REFORM_DATE), ()
    party_id = getattr(reg, f"{flag.subject}_id")
    before = party_value(session.get(Party, party_id), gaz) if party_id else None
    suggested = words.get("suggested")
    if suggested and "party" in suggested:
        return before, _suggestion(suggested), ()
    return before, None, tuple(_suggestion(c) for c in words.get("candidates") or [] if "party" in c)


def _suggestion(option: dict) -> dict:
    """A suggestion (``{"party": …, "unit": …}``) in the shape of a party fact."""
    return {**option["party"], "unit": option.get("unit") or option["party"].get("unit")}


def _units(gaz: Gazetteer, value: dict | None) -> list[Unit]:
    """The units a party or area value names (a party's unit; an area's units)."""
    if not value:
        return []
    refs = value.get("units") if "units" in value else [value.get("unit")]
    return [u for r in refs if r and (u := gaz.by_key.get((r.get("vintage"), r.get("code")))) is not None]


def change_of(session: Session, gaz: Gazetteer, reg: Registration, flag: Flag, words: dict,
              facts: list[RecordFact]) -> Change | None:
    """The change one flag asks for, or None when it asks for none (an acknowledgement, a dismissal, a flag
    closed because its cause is gone, a rule that changes nothing in the registry)."""
    if flag.rule in NO_CHANGE_RULES or flag.status == "dismissed" or flag.subject not in (*PARTY_ROLES, "area"):
        return None
    decision = None
    if flag.status == "open":
        before, after, options = _proposed(session, gaz, reg, flag, words)
    else:
        fact = decision_fact(facts, flag)
        if fact is None:
            return None
        before, after, options, decision = value_before(facts, fact), fact.value, (), _decided(flag, fact)
    acts = acts_of_units(gaz, _units(gaz, before) + _units(gaz, after)) | acts_of_evidence(words.get("evidence") or {})
    return Change(flag, flag.subject, before, after, options, decision, frozenset(acts))


def changes_of(session: Session, gaz: Gazetteer, reg: Registration, flags: list[Flag],
               words: dict[int, dict]) -> list[Change]:
    """The changes a record's flags ask for, holder first, then manager, then area."""
    facts = facts_of(session, reg.id)
    found = [c for f in flags if (c := change_of(session, gaz, reg, f, words[f.id], facts)) is not None]
    order = {"holder": 0, "manager": 1, "area": 2}
    return sorted(found, key=lambda c: (order[c.role], c.flag.id))

