"""What each kind of job does: the same domain functions the CLI calls, with progress.

Each handler gets its job (``job``): called as ``job(done, total, message)`` it records progress; the
batch handlers pass ``job.finish`` down so that the job ends in the same transaction as the batch.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ..batches import service as batches
from ..core.errors import N_
from ..gazetteer.loading import load_gazetteer
from ..reform.engine import run_registry


def flags_run(session: Session, params: dict, actor: str | None, job) -> dict:
    job(0, 1, N_("evaluating the rules"))
    report = run_registry(session, actor=actor, full=bool(params.get("full")),
                          progress=lambda done, total: job(done, total, N_("evaluating the rules")))
    return report.as_dict()


def import_records(session: Session, params: dict, actor: str | None, job) -> dict:
    from ..registry.record_import import import_records as run_import  # noqa: PLC0415

    job(0, 3, N_("reading the file"))
    report = run_import(session, Path(params["path"]).read_bytes(), params["filename"],
                        dry_run=bool(params.get("dry_run")), partial=bool(params.get("partial")), actor=actor,
                        strict=bool(params.get("strict")),
                        max_rows=params.get("max_rows", 20_000), max_cell_chars=params.get("max_cell_chars", 2_000),
                        max_bytes=None, progress=job)
    return report.as_dict(translatable=True)


def _preview_summary(report: dict) -> dict:
    """The preview's report without its plan (kept once, in the batch)."""
    return {k: v for k, v in report.items() if k != "changes"}


def batch_preview(session: Session, params: dict, actor: str | None, job) -> dict:
    """Read and check an uploaded re-assignment file too large to check inside a web request."""
    job(0, 2, N_("reading the file"))
    report = batches.preview(session, Path(params["path"]).read_bytes(), params["filename"], actor=actor,
                             max_rows=params.get("max_rows", 20_000),
                             max_cell_chars=params.get("max_cell_chars", 2_000), max_bytes=None,
                             allow_future=bool(params.get("allow_future")), translatable=True,
                             finish=lambda done: job.finish(_preview_summary(done)))
    return _preview_summary(report)


def batch_apply(session: Session, params: dict, actor: str | None, job) -> dict:
    job(0, 3, N_("checking the records against the preview"))
    return batches.apply(session, int(params["batch_id"]), confirm=params.get("confirm"), actor=actor,
                         progress=job, finish=job.finish)


def batch_rollback(session: Session, params: dict, actor: str | None, job) -> dict:
    job(0, 1, N_("restoring the records and their flags"))
    return batches.rollback(session, int(params["batch_id"]), reason=params.get("reason", ""), actor=actor,
                            finish=job.finish)


def gazetteer_load(session: Session, params: dict, actor: str | None, job) -> dict:
    """Load the gazetteer, then rebuild the map layers it changed (so no user waits for them)."""
    report = load_gazetteer(session, Path(params["geodata"]), progress=lambda m: job(0, 2, m),
                            force=bool(params.get("force")), actor=actor)
    if report.changed and params.get("cache_dir"):
        from ..maps.webgeo import get_webgeo  # noqa: PLC0415 - heavy, and only after a change

        job(1, 2, N_("preparing the map layers"))
        get_webgeo(session, params["cache_dir"]).prepare()
    return report.as_dict()


HANDLERS = {"flags_run": flags_run, "import_records": import_records, "batch_preview": batch_preview,
            "batch_apply": batch_apply, "batch_rollback": batch_rollback, "gazetteer_load": gazetteer_load}
