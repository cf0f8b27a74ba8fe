"""Flags raised by the reform rules and the officers' comments on them."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from .base import Base

SEVERITIES = ("high", "medium", "low")
FLAG_STATUSES = ("open", "accepted", "dismissed", "resolved")


class Flag(Base):
    """One finding of one rule about one subject (holder, manager or area) of a record.

    While a flag is open its words (reasons, suggestion, candidates, evidence) are computed from the record
    as it is now; when an officer decides, they are kept in the row as the officer saw them.
    """

    __tablename__ = "flag"
    __table_args__ = (sa.UniqueConstraint("registration_id", "rule", "subject"),)

    id = sa.Column(sa.Integer, primary_key=True)
    # The unique (registration_id, rule, subject) index serves lookups by record; no other index: a full run
    # inserts tens of thousands of flags, and every index costs there more than it saves in the queue.
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registration.id"), nullable=False)
    rule = sa.Column(sa.String(40), nullable=False)
    subject = sa.Column(sa.String(10), nullable=False)
    severity = sa.Column(sa.String(6), nullable=False)
    status = sa.Column(sa.String(10), nullable=False, default="open")
    reason_vi = sa.Column(sa.Text)
    reason_en = sa.Column(sa.Text)
    suggested = sa.Column(sa.JSON(none_as_null=True))
    candidates = sa.Column(sa.JSON(none_as_null=True))
    evidence = sa.Column(sa.JSON(none_as_null=True))
    fingerprint = sa.Column(sa.String(64), nullable=False)
    assignee_id = sa.Column(sa.Integer, sa.ForeignKey("user_account.id"))
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False)
    closed_at = sa.Column(sa.DateTime)
    closed_reason = sa.Column(sa.Text)
    decision = sa.Column(sa.JSON)
    version = sa.Column(sa.Integer, nullable=False, default=1)

    registration = relationship("Registration", lazy="joined")
    assignee = relationship("User", lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class FlagComment(Base):
    __tablename__ = "flag_comment"

    id = sa.Column(sa.Integer, primary_key=True)
    flag_id = sa.Column(sa.Integer, sa.ForeignKey("flag.id"), nullable=False, index=True)
    author = sa.Column(sa.String(80), nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False)


class FlagRun(Base):
    """A completed run of the engine: what it evaluated against (rules, gazetteer) and what it did.

    A run evaluates only the records changed since the last complete run when the rules and the gazetteer
    are the same as then; otherwise every record.
    """

    __tablename__ = "flag_run"

    id = sa.Column(sa.Integer, primary_key=True)
    started_at = sa.Column(sa.DateTime, nullable=False)
    finished_at = sa.Column(sa.DateTime, nullable=False)
    rules_version = sa.Column(sa.String(20), nullable=False)
    gazetteer_version = sa.Column(sa.Integer, nullable=False)
    full = sa.Column(sa.Boolean, nullable=False)
    report = sa.Column(sa.JSON)
    actor = sa.Column(sa.String(80))
