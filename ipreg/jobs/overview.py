"""The job queue at a glance, for the administrator's home: how many jobs per status, and the latest of some."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Job
from ..models.batch import JOB_STATUSES


def job_counts(session: Session) -> dict[str, int]:
    """Jobs per status (every status present, 0 when none)."""
    found = dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    return {status: found.get(status, 0) for status in JOB_STATUSES}


def latest_jobs(session: Session, statuses: tuple[str, ...], limit: int = 5) -> list[Job]:
    """The latest jobs in some statuses, newest first (the running ones, or the failed ones to look into)."""
    return list(session.scalars(select(Job).where(Job.status.in_(statuses)).order_by(Job.id.desc()).limit(limit)))
