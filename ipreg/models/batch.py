"""Batch re-assignments uploaded by admins, and the background jobs that run long work."""
from __future__ import annotations

import sqlalchemy as sa

from .base import Base

BATCH_STATUSES = ("previewed", "applied", "rolled_back")
JOB_STATUSES = ("queued", "running", "done", "failed")


class Batch(Base):
    """An uploaded re-assignment file: its hash, rows, validated plan, and what happened to it."""

    __tablename__ = "batch"
    # A file (by hash) stands applied in one batch at most: enforced by the database too. After a rollback it
    # may be applied again, as a new batch (migration 0008).
    __table_args__ = (sa.Index("ix_batch_applied_hash", "file_hash", unique=True,
                               sqlite_where=sa.text("status = 'applied'"),
                               postgresql_where=sa.text("status = 'applied'")),)

    id = sa.Column(sa.Integer, primary_key=True)
    file_hash = sa.Column(sa.String(64), nullable=False, index=True)
    filename = sa.Column(sa.String(255))
    status = sa.Column(sa.String(12), nullable=False, default="previewed")
    rows = sa.Column(sa.JSON, nullable=False)
    plan = sa.Column(sa.JSON, nullable=False)
    changed = sa.Column(sa.Integer, nullable=False, default=0)
    created_by = sa.Column(sa.String(80))
    created_at = sa.Column(sa.DateTime, nullable=False)
    applied_by = sa.Column(sa.String(80))
    applied_at = sa.Column(sa.DateTime)
    rolled_back_by = sa.Column(sa.String(80))
    rolled_back_at = sa.Column(sa.DateTime)
    rollback_reason = sa.Column(sa.Text)


class Job(Base):
    """Long work (flag runs, imports, batch applies, gazetteer loads) done by a worker, not a request.

    A running job is leased: ``lease_owner`` (the worker) renews ``lease_expires_at`` while it works, so a job
    whose worker died is seen as dead once its lease has expired. ``written_at`` is set in the same
    transaction as the job's data, so whoever finds a dead job knows whether any of its work was saved.
    """

    __tablename__ = "job"

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(30), nullable=False)
    params = sa.Column(sa.JSON, nullable=False)
    status = sa.Column(sa.String(10), nullable=False, default="queued", index=True)
    done = sa.Column(sa.Integer, nullable=False, default=0)
    total = sa.Column(sa.Integer, nullable=False, default=0)
    message = sa.Column(sa.Text)
    result = sa.Column(sa.JSON)
    created_by = sa.Column(sa.String(80))
    created_at = sa.Column(sa.DateTime, nullable=False)
    started_at = sa.Column(sa.DateTime)
    finished_at = sa.Column(sa.DateTime)
    lease_owner = sa.Column(sa.String(80))
    lease_expires_at = sa.Column(sa.DateTime)
    attempts = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    written_at = sa.Column(sa.DateTime)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)
