"""Records kept incomplete on import: what is missing is a high flag, because it blocks the transfer work.

An import keeps a row whose only problems are place data (a unit that does not resolve, a GI without its area,
a mark without its holder) with those problems stored verbatim in ``registration.pending``. Two rules read
them: ``AREA_UNRESOLVED`` (units of the area written but not resolved: the officer picks a candidate or types
the unit) and ``DATA_MISSING`` (a holder, a manager's unit or the area not given at all, or not resolved).
The unit candidates stay with the pending item (the flag page offers them), not among a flag's candidates,
which are successor bodies.
"""
from __future__ import annotations

import json

from ..core.errors import Message
from .findings import Finding, payload

SUBJECT_OF_COLUMN = {"area_units": "area", "holder": "holder", "holder_kind": "holder", "holder_unit": "holder",
                     "manager": "manager", "manager_kind": "manager", "manager_unit": "manager"}


def pending_key(pending: list[dict] | None) -> str:
    """The rule's inputs, for the flag's fingerprint."""
    return json.dumps(pending, sort_keys=True, ensure_ascii=False) if pending else ""


def completeness_findings(pending: list[dict] | None) -> list[Finding]:
    """One AREA_UNRESOLVED for the written units that did not resolve; one DATA_MISSING per other subject."""
    if not pending:
        return []
    unresolved = [p for p in pending if p["column"] == "area_units" and p.get("value")]
    out = []
    if unresolved:
        out.append(Finding("AREA_UNRESOLVED", "area", lambda: _unresolved(unresolved)))
    by_subject: dict[str, list[dict]] = {}
    for item in pending:
        if item not in unresolved:
            by_subject.setdefault(SUBJECT_OF_COLUMN.get(item["column"], "area"), []).append(item)
    for subject, items in by_subject.items():
        out.append(Finding("DATA_MISSING", subject, lambda items=items: _missing(items)))
    return out


def _evidence(items: list[dict]) -> dict:
    return {"pending": [{"column": i["column"], "value": i["value"], "problem": _said(i)} for i in items]}


def _said(item: dict) -> str:
    return str(Message(item["msgid"], **item.get("params", {})))


def _unresolved(items: list[dict]) -> dict:
    written = "; ".join(i["value"] for i in items)
    return payload(
        f"Khu vực địa lý có đơn vị hành chính chưa xác định được: {written}. Chọn đơn vị trong danh sách gợi ý "
        f"hoặc nhập đơn vị đúng để hoàn thiện hồ sơ.",
        f"Units of the area could not be resolved: {written}. Pick a candidate or type the unit to complete "
        f"the record.",
        evidence=_evidence(items))


def _missing(items: list[dict]) -> dict:
    said = "; ".join(_said(i) for i in items)
    return payload(f"Hồ sơ chưa đầy đủ: {said}. Bổ sung thông tin còn thiếu trước khi xử lý chuyển giao.",
                   f"The record is incomplete: {said}. Complete it before the transfer work.",
                   evidence=_evidence(items))
