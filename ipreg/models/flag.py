"""Flags raised by the reform rules and the officers' comments on them."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from .base import Base

SEVERITIES = ("high", "medium", "low")
FLAG_STATUSES = ("open", "accepted", "dismissed", "resolved")


class Flag(Base):
    """One finding of one rule about one subject (holder, manager or area) of a record."""

    __tablename__ = "flag"
    __table_args__ = (sa.UniqueConstraint("registration_id", "rule", "subject"),)

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registration.id"), nullable=False, index=True)
    rule = sa.Column(sa.String(40), nullable=False, index=True)
    subject = sa.Column(sa.String(10), nullable=False)
    severity = sa.Column(sa.String(6), nullable=False, index=True)
    status = sa.Column(sa.String(10), nullable=False, default="open", index=True)
    reason_vi = sa.Column(sa.Text, nullable=False)
    reason_en = sa.Column(sa.Text, nullable=False)
    suggested = sa.Column(sa.JSON)
    candidates = sa.Column(sa.JSON)
    evidence = sa.Column(sa.JSON)
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
