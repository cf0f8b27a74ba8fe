"""The officers' actions on flags: the queue, a flag's page, accept, dismiss, assign, comment, complete, the
draft letters and the statistics. Each checks the permission and the record's scope and owns its transaction."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ..accounts.users import get_user, reviewers
from ..core.documents import store_document
from ..core.errors import N_, IpregError
from ..gazetteer.snapshot import get_gazetteer
from ..models import Flag
from ..models.registry import PARTY_KINDS
from ..reform.completion import complete_area_unit
from ..reform.findings import RULES
from ..reform.letters import draft_requests
from ..reform.queries import FlagQuery, flags_of_records, queue_counts, queue_order, record_flags, record_provinces
from ..reform.review import accept_flag, assign_flag, comment_flag, dismiss_flag, flag_comments, successor_options
from ..reform.stats import statistics
from ..reform.summaries import short_reason
from ..reform.views import find_flag, payloads
from ..registry.records import describe_area, entries_of, find_by_internal_id, pending_list
from ..registry.visibility import check_visible
from .context import Context, transaction

# The low rules are re-wordings (a body's new name, an address, the area in new units): seeing one is enough
# until the record is next amended, so an officer may close many at once with this reason.
REWORDINGS = frozenset(rule for rule, severity in RULES.items() if severity == "low")
ACKNOWLEDGED = "Đã ghi nhận: chỉ thay đổi cách ghi"


def flag_for(ctx: Context, flag_id: int) -> Flag:
    """A flag the user may see (another province's is refused as a missing id)."""
    return find_flag(ctx.session, flag_id, ctx.scope)


def queue_page(ctx: Context, query: FlagQuery) -> dict:
    """One page of the queue: ``query.limit`` records from ``query.offset`` (records, not flags: a record's
    flags stay on one line), their matching flags with their words and one-sentence reasons, the number of
    records, the counts per rule and severity, whom flags can be assigned to and the provinces to filter by."""
    ctx.require("read_flags")
    session, query.scope = ctx.session, ctx.scope
    order = queue_order(session, query)
    ids = order[query.offset:query.offset + query.limit] if query.limit else order[query.offset:]
    grouped = flags_of_records(session, query, ids)
    flags = [flag for i in ids for flag in grouped[i]]
    words = payloads(session, flags)
    gaz = get_gazetteer(session)
    return {"records": [(grouped[i][0].registration, grouped[i]) for i in ids], "words": words,
            "short": {f.id: short_reason(f.rule, words[f.id]) for f in flags}, "total": len(order),
            "counts": queue_counts(session, query), "users": reviewers(session),
            "record_provinces": record_provinces(session, ids),
            "provinces": {v: [u.code for u in gaz.provinces(v)] for v in ("new", "old")}}


def flag_page(ctx: Context, flag_id: int) -> dict:
    """A flag with its words, its record's area and pending items, its comments and the successor options."""
    ctx.require("read_flags")
    item = flag_for(ctx, flag_id)
    gaz = get_gazetteer(ctx.session)
    reg = item.registration
    entries = entries_of(gaz, reg)
    words = payloads(ctx.session, [item])[item.id]
    return {"flag": item, "words": words, "reg": reg, "provinces": {
                v: record_provinces(ctx.session, [reg.id], v)[reg.id] for v in ("new", "old")},
            "area": describe_area(gaz, entries, reg.area_vintage) if entries else None,
            "pending": pending_list(reg.pending), "comments": flag_comments(ctx.session, item),
            "options": successor_options(words), "users": reviewers(ctx.session), "party_kinds": PARTY_KINDS,
            "can_review": ctx.can("review"), "can_comment": ctx.can("comment")}


def choose_successor(ctx: Context, flag: Flag, index: int | None = None, other: dict | None = None) -> dict | None:
    """The successor the officer chose: option ``index`` (0 = the suggestion when there is one, then the
    candidates), or another party typed in (``other``: party name and kind, unit code); None keeps the
    suggestion. The web form and the API both choose through here."""
    if other is not None:
        return other
    if index is None:
        return None
    options = successor_options(payloads(ctx.session, [flag])[flag.id])
    return options[index] if 0 <= index < len(options) else None


def accept(ctx: Context, flag_id: int, *, choice_index: int | None = None, other: dict | None = None,
           decision_no: str, decision_date: date | None, effective_date: date | None, version=None,
           note: str | None = None, document: tuple[Path, bytes, str] | None = None) -> dict:
    """Accept a flag: record the change it calls for (with the decision and its document) and close it.

    ``document`` is (directory, content, file name) of the decision's scan, stored only when the accept
    succeeds."""
    ctx.require("review")
    with transaction(ctx) as session:
        flag = flag_for(ctx, flag_id)
        choice = choose_successor(ctx, flag, choice_index, other)
        stored = store_document(*document) if document else None
        result = accept_flag(session, get_gazetteer(session), flag, choice=choice, decision_no=decision_no,
                             decision_date=decision_date, effective_date=effective_date, actor=ctx.actor,
                             document=stored, expected_version=version, note=note)
    return result | {"flag": flag}


def dismiss(ctx: Context, flag_id: int, reason: str, version=None) -> Flag:
    ctx.require("review")
    with transaction(ctx) as session:
        flag = flag_for(ctx, flag_id)
        dismiss_flag(session, flag, reason, ctx.actor, expected_version=version)
    return flag


def assign(ctx: Context, flag_ids: list[int], username: str | None) -> int:
    """Assign flags to a user (or to nobody, with no user name); returns how many."""
    ctx.require("review")
    with transaction(ctx) as session:
        user = get_user(session, username) if username else None
        flags = _selected(ctx, flag_ids)
        for flag in flags:
            assign_flag(session, flag, user, ctx.actor)
    return len(flags)


def dismiss_many(ctx: Context, flag_ids: list[int], reason: str) -> int:
    """Dismiss a selection of flags for one reason (one audit entry each); all or none."""
    ctx.require("review")
    with transaction(ctx) as session:
        flags = _selected(ctx, flag_ids)
        for flag in flags:
            dismiss_flag(session, flag, reason, ctx.actor)
    return len(flags)


def acknowledge_many(ctx: Context, flag_ids: list[int]) -> int:
    """Acknowledge re-wordings: each selected low flag is closed as dismissed with the fixed reason
    ``ACKNOWLEDGED`` (one audit entry each). A selection holding a flag that needs a decision is refused
    whole, naming how many and which rules, and nothing is written."""
    ctx.require("review")
    with transaction(ctx) as session:
        flags = _selected(ctx, flag_ids)
        others = [f for f in flags if f.rule not in REWORDINGS]
        if others:
            records = dict.fromkeys(f"{f.registration.name} ({f.registration.reg_no or f.registration.internal_id})"
                                    for f in others)
            raise IpregError(N_("Only re-wordings (low severity) can be acknowledged together; nothing was changed. "
                                "Flags that need a decision (%(n)d) are on: %(records)s."), n=len(others),
                             records="; ".join(list(records)[:5]) + ("…" if len(records) > 5 else ""))
        for flag in flags:
            dismiss_flag(session, flag, ACKNOWLEDGED, ctx.actor)
    return len(flags)


def _selected(ctx: Context, flag_ids: list[int]) -> list[Flag]:
    flags = [flag_for(ctx, i) for i in flag_ids]
    if not flags:
        raise IpregError(N_("Select at least one flag."))
    return flags


def comment(ctx: Context, flag_id: int, body: str):
    ctx.require("comment")
    with transaction(ctx) as session:
        return comment_flag(session, flag_for(ctx, flag_id), body, ctx.actor)


def complete(ctx: Context, flag_id: int, position: int, text: str) -> dict:
    """The officer names the unit a pending area entry meant (a candidate's code, or typed)."""
    ctx.require("review")
    with transaction(ctx) as session:
        return complete_area_unit(session, flag_for(ctx, flag_id).registration, position, text, ctx.actor)


def record_letters(ctx: Context, internal_id: str) -> bytes:
    """The draft request letter of one record (the letter itself leaves out the flags that ask for no change:
    ``reform.letters_changes.NO_CHANGE_RULES``, dismissed ones)."""
    ctx.require("read_flags")
    reg = find_by_internal_id(ctx.session, internal_id)
    check_visible(ctx.session, reg, ctx.scope)
    return draft_requests(ctx.session, get_gazetteer(ctx.session), [(reg, record_flags(ctx.session, reg))])


def selection_letters(ctx: Context, flag_ids: list[int]) -> bytes:
    """One file of draft requests for the selected flags: a letter per record."""
    ctx.require("read_flags")
    grouped: dict[int, tuple] = {}
    for flag in _selected(ctx, flag_ids[:500]):
        grouped.setdefault(flag.registration_id, (flag.registration, []))[1].append(flag)
    return draft_requests(ctx.session, get_gazetteer(ctx.session), list(grouped.values()))


def province_statistics(ctx: Context) -> dict:
    ctx.require("read_flags")
    return statistics(ctx.session, ctx.scope)
