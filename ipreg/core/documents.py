"""Decision documents attached to recordals: checked by content, stored by hash, never executed."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from .errors import N_, IpregError, NotFound

MAX_DOCUMENT = 10 * 1024 * 1024
TYPES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "png": "image/png", "jpg": "image/jpeg"}


def sniff_document(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if "word/document.xml" in names:
            return "docx"
    raise IpregError(N_("The document must be a PDF, DOCX, PNG or JPEG file (checked by its content)."))


def store_document(directory: Path, data: bytes, filename: str) -> dict:
    if not data:
        raise IpregError(N_("The document is empty."))
    if len(data) > MAX_DOCUMENT:
        raise IpregError(N_("The document is larger than %(mb)d MB."), mb=MAX_DOCUMENT // (1024 * 1024))
    ext = sniff_document(data)
    digest = hashlib.sha256(data).hexdigest()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{digest}.{ext}"
    if not path.exists():
        path.write_bytes(data)
    safe_name = re.sub(r"[^\w.\- ]+", "_", Path(filename or "document").name)[:120]
    return {"sha256": digest, "type": ext, "filename": safe_name, "size": len(data)}


def document_path(directory: Path, sha256: str) -> tuple[Path, str]:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        raise NotFound(N_("No such document."))
    for ext, mimetype in TYPES.items():
        path = directory / f"{sha256}.{ext}"
        if path.exists():
            return path, mimetype
    raise NotFound(N_("No such document."))
