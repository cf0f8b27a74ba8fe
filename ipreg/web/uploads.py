"""Uploaded spreadsheets: the type the browser declares is checked before the content is read.

The content decides what a file is (``importers.tabular.sniff``); the declared type only refuses what
cannot be a spreadsheet (a PDF, an image, a program). Browsers differ for CSV: Excel on Windows sends
``application/vnd.ms-excel``, others ``text/csv``, ``text/plain`` or ``application/octet-stream``.
"""
from __future__ import annotations

from werkzeug.datastructures import FileStorage

from ..domain.errors import N_, IpregError

SPREADSHEET_TYPES = {
    "", "text/csv", "text/plain", "text/x-csv", "application/csv", "application/x-csv", "application/octet-stream",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_upload(upload: FileStorage | None) -> FileStorage:
    """The uploaded file if one was chosen and declared as CSV or Excel; else a clear 400."""
    if upload is None or not upload.filename:
        raise IpregError(N_("Choose a file to upload."))
    declared = (upload.mimetype or "").lower()
    if declared not in SPREADSHEET_TYPES:
        raise IpregError(N_("%(name)s was sent as %(type)s: only CSV (UTF-8) and Excel (.xlsx) files are accepted."),
                         name=upload.filename, type=declared)
    return upload
