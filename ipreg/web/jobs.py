"""Background jobs seen from the web: start one, watch its progress bar, read its result."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..domain.errors import N_, NotFound
from ..domain.history import utcnow
from ..domain.job_handlers import HANDLERS
from ..domain.jobs import enqueue, job_dict, run_job
from ..extensions import db
from ..models import Job
from .security import actor_name, requires

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
JOB_KINDS = {"flags_run": _l("flag run"), "import_records": _l("record import"), "batch_apply": _l("batch apply"),
             "gazetteer_load": _l("gazetteer load")}
JOB_STATUSES = {"queued": _l("queued"), "running": _l("running"), "done": _l("done"), "failed": _l("failed")}


@bp.app_context_processor
def _labels():
    return {"job_kind_label": lambda v: str(JOB_KINDS.get(v, v)),
            "job_status_label": lambda v: str(JOB_STATUSES.get(v, v))}


def start_job(kind: str, params: dict) -> Job:
    """Queue a job for the worker (or, when configured for tests and demos, run it right away)."""
    job = enqueue(db.session, kind, params, actor_name())
    db.session.commit()
    if current_app.config["IPREG_RUN_JOBS_INLINE"]:
        db.session.execute(update(Job).where(Job.id == job.id).values(status="running", started_at=utcnow()))
        db.session.commit()
        run_job(db.engine, job.id, HANDLERS)
        db.session.expire_all()
    return job


def redirect_to(job: Job):
    return redirect(url_for("jobs.show", job_id=job.id))


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound(N_("No job %(id)s."), id=job_id)
    return job


@bp.get("/")
@requires("jobs")
def index():
    jobs = db.session.scalars(select(Job).order_by(Job.id.desc()).limit(100)).all()
    return render_template("jobs/index.html", jobs=jobs)


@bp.get("/<int:job_id>")
@requires("jobs")
def show(job_id: int):
    return render_template("jobs/show.html", job=_job(job_id))


@bp.get("/<int:job_id>.json")
@requires("jobs")
def status(job_id: int):
    return jsonify(job_dict(_job(job_id)))
