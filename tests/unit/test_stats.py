"""The statistics count each flag by what happened to it: accepted ≠ resolved ≠ dismissed.

On the real sample: GI 00017's manager (Ủy ban nhân dân huyện Lý Nhân) flag is accepted by an officer, GI 00100's
is resolved by a batch, GI 00101's is dismissed; a flag a run closed because its cause went away stays
resolved.
"""
from datetime import date

from sqlalchemy import select, update

RULE = "MANAGER_BODY_ABOLISHED"


def _flag(session, reg_no, rule=RULE):
    from ipreg.models import Flag, Registration

    return session.scalar(select(Flag).join(Registration, Registration.id == Flag.registration_id)
                          .where(Registration.reg_no == reg_no, Flag.rule == rule))


def _counts(session, scope=None):
    from ipreg.reform.stats import statistics

    data = statistics(session, scope)
    return next(r for r in data["rules"] if r["rule"] == RULE), {p["province_code"]: p for p in data["provinces"]}


def test_an_accepted_flag_is_counted_accepted_not_resolved(flagged):
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.reform.review import accept_flag, dismiss_flag

    with flagged.app_context():
        before, _ = _counts(db.session)
        accept_flag(db.session, get_gazetteer(db.session), _flag(db.session, "00017"), choice=None,
                    decision_no="1234/QĐ-UBND", decision_date=date(2025, 7, 10), effective_date=date(2025, 7, 10),
                    actor="officer")
        dismiss_flag(db.session, _flag(db.session, "00101"), "kept as registered", "officer")
        db.session.commit()
        after, provinces = _counts(db.session)
    assert after["accepted"] == before["accepted"] + 1 and after["resolved"] == before["resolved"]
    assert after["dismissed"] == before["dismissed"] + 1 and after["open"] == before["open"] - 2
    ninh_binh = provinces["37"]  # Hà Nam's Lý Nhân lies in Ninh Bình from 2025-07-01
    assert ninh_binh["accepted"] >= 1 and ninh_binh["closed"] == (
        ninh_binh["accepted"] + ninh_binh["dismissed"] + ninh_binh["resolved"])


def test_resolved_by_a_batch_or_a_run_stays_resolved_and_an_accept_counts_accepted(flagged):
    """Rows as the review, the batch and the engine write them (``reform.review``, ``batches.service``,
    ``reform.engine``): only the officer's decision is counted accepted. (Accepts the review stored as
    "resolved" before it wrote "accepted" are converted by migration 0007, tested in test_migrations.)"""
    from ipreg.extensions import db
    from ipreg.models import Flag
    from ipreg.reform.engine import CLOSED_BY_ENGINE, ENGINE

    officer = {"decision_no": "1234/QĐ-UBND", "decision_date": "2025-07-10", "effective_date": "2025-07-10",
               "by": "officer", "successor": None}
    with flagged.app_context():
        before, _ = _counts(db.session)
        rows = {"00017": {"status": "accepted", "decision": officer, "closed_reason": None},
                "00100": {"status": "resolved", "decision": {**officer, "batch": 7}, "closed_reason": None},
                "00101": {"status": "resolved", "decision": ENGINE, "closed_reason": CLOSED_BY_ENGINE}}
        for reg_no, values in rows.items():
            db.session.execute(update(Flag).where(Flag.id == _flag(db.session, reg_no).id).values(**values))
        db.session.commit()
        after, _ = _counts(db.session)
        scoped, scoped_provinces = _counts(db.session, scope=["37"])
    assert after["accepted"] == before["accepted"] + 1
    assert after["resolved"] == before["resolved"] + 2 and after["open"] == before["open"] - 3
    assert scoped["accepted"] == 1 and scoped["resolved"] == 0  # Ninh Bình holds 00017 only of the three
    assert set(scoped_provinces) == {"37"} and scoped_provinces["37"]["accepted"] >= 1
