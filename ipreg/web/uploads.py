"""Uploaded spreadsheets: a small first check in the request; reading a large file is a job.

The type the browser declares is checked before the content is read. The content decides what a file is
(``importers.tabular.sniff``); the declared type only refuses what cannot be a spreadsheet (a PDF, an
image, a program). Browsers differ for CSV: Excel on Windows sends ``application/vnd.ms-excel``, others
``text/csv``, ``text/plain`` or ``application/octet-stream``.

A web worker never parses a large upload: it checks size, type and (for a CSV) the header row, stores the
file and queues its reading as a job, whose page shows the progress as for an apply. A file of a few
hundred rows is still previewed in the request, where the answer comes at once.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from flask import current_app, redirect, render_template, url_for
from werkzeug.datastructures import FileStorage

from ..actions import batches as batch_actions
from ..batches.reading import read_reassignment
from ..batches.state import file_hash
from ..core.errors import N_, IpregError
from ..jobs.queue import upload_path
from ..tables.reader import sniff
from ..tables.sheets import Limits, check_workbook
from .jobs import redirect_to
from .security import context

SPREADSHEET_TYPES = {
    "", "text/csv", "text/plain", "text/x-csv", "application/csv", "application/x-csv", "application/octet-stream",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
INLINE_BYTES = 256 * 1024  # larger (for XLSX: worksheets larger once unzipped) is read by a job
INLINE_ROWS = 300  # CSV lines


def spreadsheet_upload(upload: FileStorage | None) -> FileStorage:
    """The uploaded file if one was chosen and declared as CSV or Excel; else a clear 400."""
    if upload is None or not upload.filename:
        raise IpregError(N_("Choose a file to upload."))
    declared = (upload.mimetype or "").lower()
    if declared not in SPREADSHEET_TYPES:
        raise IpregError(N_("%(name)s was sent as %(type)s: only CSV (UTF-8) and Excel (.xlsx) files are accepted."),
                         name=upload.filename, type=declared)
    return upload


def is_large(data: bytes, kind: str) -> bool:
    """Whether reading the file could hold a web worker for long (the zip's directory, never its content)."""
    if len(data) > INLINE_BYTES:
        return True
    if kind == "csv":
        return data.count(b"\n") > INLINE_ROWS
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return sum(i.file_size for i in book.infolist() if i.filename.startswith("xl/worksheets/")) > INLINE_BYTES
    except zipfile.BadZipFile:
        return False  # refused by the reader at once, with its own message


def check_csv_header(data: bytes, filename: str, max_cell_chars: int) -> None:
    """Refuse now a CSV whose header row is wrong: its first two lines are read, not the file."""
    head = b"\n".join(data.split(b"\n", 2)[:2])
    read_reassignment(head, filename, max_rows=1, max_cell_chars=max_cell_chars, max_bytes=None)


def stage(data: bytes, filename: str) -> Path:
    """Keep the upload where its job will read it."""
    path = upload_path(Path(current_app.instance_path) / "uploads", file_hash(data), filename)
    path.write_bytes(data)
    return path


def job_options() -> dict:
    """How this app runs jobs: by the worker, or (tests, demos) at once in the request."""
    cfg = current_app.config
    return {"inline": cfg["IPREG_RUN_JOBS_INLINE"], "lease_seconds": cfg["IPREG_JOB_LEASE_SECONDS"]}


def preview_upload(upload: FileStorage | None):
    """An admin's re-assignment file: previewed here when small, else queued as a ``batch_preview`` job."""
    upload = spreadsheet_upload(upload)
    data = upload.read()
    kind = sniff(data, upload.filename)
    cfg = current_app.config
    limits = {"max_rows": cfg["IPREG_MAX_ROWS"], "max_cell_chars": cfg["IPREG_MAX_CELL_CHARS"]}
    allow_future = cfg["IPREG_ALLOW_FUTURE_EFFECTIVE"]
    if is_large(data, kind):
        if kind == "csv":
            check_csv_header(data, upload.filename, limits["max_cell_chars"])
        else:  # a zip bomb, XML entities or an oversized sheet are refused now, by streaming (~0.1 s / 10 MB)
            check_workbook(data, Limits(limits["max_rows"], limits["max_cell_chars"]))
        return redirect_to(batch_actions.start_preview(context(), str(stage(data, upload.filename)), upload.filename,
                                                       limits=limits, allow_future=allow_future, **job_options()))
    report = batch_actions.preview_file(context(), data, upload.filename, allow_future=allow_future,
                                        limits={**limits, "max_bytes": cfg["MAX_CONTENT_LENGTH"]})
    if report["errors"]:
        return render_template("admin/report.html", report=report, filename=upload.filename), 400
    return redirect(url_for("admin.batch", batch_id=report["batch"]))
