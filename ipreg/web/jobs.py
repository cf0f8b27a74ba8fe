"""Background jobs seen from the web: start one, watch its progress bar, read its result."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..actions import jobs as actions
from ..core.errors import N_, NotFound
from ..jobs.queue import job_dict
from ..models import Job
from .errors import translate_message
from .security import context, requires

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
JOB_KINDS = {"flags_run": _l("flag run"), "import_records": _l("record import"),
             "batch_preview": _l("batch preview"), "batch_apply": _l("batch apply"),
             "batch_rollback": _l("batch rollback"), "gazetteer_load": _l("gazetteer load")}
JOB_STATUSES = {"queued": _l("queued"), "running": _l("running"), "done": _l("done"), "failed": _l("failed")}
# The figures of the jobs' reports (import, flag run, batch apply, gazetteer load), as the result page names them.
RESULT_LABELS = {
    "created": _l("created"), "updated": _l("updated"), "unchanged": _l("unchanged"), "errors": _l("errors"),
    "warnings": _l("warnings"), "rejected_rows": _l("rejected rows"), "imported": _l("imported"),
    "dry_run": _l("dry run"), "records": _l("records"), "findings": _l("findings"), "opened": _l("opened"),
    "closed": _l("closed"), "reopened": _l("reopened"), "skipped": _l("skipped (unchanged since the last run)"),
    "batch": _l("batch"), "changed": _l("changed"), "flags_resolved": _l("flags resolved"),
    "missing_layers": _l("missing layers"), "counts": _l("unit counts"), "skipped_rows": _l("skipped rows"),
    "details": _l("details"), "restored": _l("records restored"), "incomplete": _l("kept incomplete"),
    "strict": _l("strict"),
}
HIDDEN_RESULT_KEYS = ("trace", "changes", "by_rule", "msgid", "params", "error", "rows", "incomplete", "rejected_rows")
# An import's rows, as its report counts them (issue: complete / incomplete / refused).
ROW_LABELS = {"complete": _l("complete rows"), "incomplete": _l("incomplete rows (kept, flagged)"),
              "refused": _l("refused rows")}
# The problem tables of a report, each under its own heading.
PROBLEM_SECTIONS = (("errors", _l("Refused")), ("incomplete", _l("Kept incomplete: a flag asks to complete them")),
                    ("warnings", _l("Warnings")))


def job_message(job: Job) -> str:
    """The job's progress or failure message in the interface language (stored as English msgids)."""
    result = job.result or {}
    if result.get("msgid") and (job.status == "failed" or result.get("dead")):
        return translate_message(result["msgid"], result.get("params"))
    return _(job.message) if job.message else ""


def problem_message(problem: dict) -> str:
    """A stored report's problem in the interface language (reports of jobs keep msgid and params)."""
    if problem.get("msgid"):
        return translate_message(problem["msgid"], problem.get("params"))
    return problem.get("message") or ""


@bp.app_context_processor
def _labels():
    return {"job_kind_label": lambda v: str(JOB_KINDS.get(v, v)),
            "job_status_label": lambda v: str(JOB_STATUSES.get(v, v)),
            "job_message": job_message, "problem_message": problem_message,
            "result_label": lambda key: str(RESULT_LABELS.get(key, key)), "hidden_result_keys": HIDDEN_RESULT_KEYS,
            "row_labels": ROW_LABELS, "problem_sections": PROBLEM_SECTIONS}


def start_job(kind: str, params: dict) -> Job:
    """Queue a job for the worker (or, when configured for tests and demos, run it right away)."""
    cfg = current_app.config
    return actions.start_job(context(), kind, params, inline=cfg["IPREG_RUN_JOBS_INLINE"],
                             lease_seconds=cfg["IPREG_JOB_LEASE_SECONDS"])


def redirect_to(job: Job):
    return redirect(url_for("jobs.show", job_id=job.id))


def _job(job_id: int) -> Job:
    job = actions.job_state(context(), job_id)
    if job is None:
        raise NotFound(N_("No job %(id)s."), id=job_id)
    return job


@bp.get("/")
@requires("jobs")
def index():
    return render_template("jobs/index.html", jobs=actions.recent_jobs(context()))


@bp.get("/<int:job_id>")
@requires("jobs")
def show(job_id: int):
    return render_template("jobs/show.html", job=_job(job_id))


@bp.get("/<int:job_id>.json")
@requires("jobs")
def status(job_id: int):
    job = _job(job_id)
    return jsonify({**job_dict(job), "message_shown": job_message(job)})
