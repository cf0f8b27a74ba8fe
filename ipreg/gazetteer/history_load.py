"""Load the dated history of units (2004-08-31 → 2025-06-30) from ``geodata/history`` into the database.

The statistics office's dated lists, diffed into spans (one row per unit name and parent between two dates)
and events, come from ``unit_spans_*.tsv`` and ``events_*.tsv`` (see HISTORY.md beside them). A span is valid
from its first list to the day before the next list after its last one: a change between two lists is dated
at the later list, as the source says. Provinces are not in the span table; their spans are derived from the
districts' parents (Tỉnh Hà Tây 28 until 2008-07-31, Tỉnh Thừa Thiên Huế 46 until 2024-12-31).
"""
from __future__ import annotations

import csv
import json
from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from ..core.errors import N_, IpregError
from ..core.reform import OLD_VALID_TO
from ..core.text import fold, nfc
from ..models import UnitEvent, UnitSpan
from ..spatial.io import file_fingerprint

SPANS_FILE = "unit_spans_2004-2025-06-30.tsv"
EVENTS_FILE = "events_2004-2025-06-30.tsv"
DATES_FILE = "snapshot_dates.json"
LEVELS = {"ward": "commune", "district": "district", "province": "province"}


def history_dir(geodata_dir: Path) -> Path | None:
    """The history folder beside the boundaries, or None when this geodata has none."""
    path = Path(geodata_dir) / "history"
    return path if (path / SPANS_FILE).exists() else None


def history_fingerprint(path: Path) -> str:
    return "|".join(file_fingerprint(path / name) for name in (SPANS_FILE, EVENTS_FILE, DATES_FILE))


def _read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: nfc(v) for k, v in row.items()} for row in csv.DictReader(handle, delimiter="\t")]


def _day(text: str, path: Path) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise IpregError(N_("%(path)s: %(value)s is not a date"), path=str(path), value=text) from exc


class _Calendar:
    """The list dates: a span last seen on one list ends the day before the next list."""

    def __init__(self, dates: list[date]):
        self.dates = sorted(dates)

    def end_of(self, last_seen: date) -> date:
        if last_seen >= OLD_VALID_TO:
            return OLD_VALID_TO
        following = bisect_right(self.dates, last_seen)
        return self.dates[following] - timedelta(days=1) if following < len(self.dates) else last_seen


def read_spans(path: Path) -> list[dict]:
    """Span rows ready to insert: communes and districts from the file, provinces derived from districts."""
    calendar = _Calendar([_day(d, path / DATES_FILE) for d in json.loads((path / DATES_FILE).read_text())])
    rows = _read_tsv(path / SPANS_FILE)
    district_parent = {r["code"]: r["parent_code"] for r in rows if r["level"] == "district"}
    province_by_name = {r["parent_name"]: r["parent_code"] for r in rows if r["level"] == "district"}
    out = []
    for r in rows:
        level = LEVELS.get(r["level"])
        if level is None:
            raise IpregError(N_("%(path)s: unknown level %(value)s"), path=str(path / SPANS_FILE), value=r["level"])
        province = r["parent_code"] if level == "district" else province_by_name.get(
            r["province"], district_parent.get(r["parent_code"], ""))
        first, last = _day(r["first_seen"], path), _day(r["last_seen"], path)
        out.append({
            "level": level, "code": r["code"], "name": r["name"], "name_folded": fold(r["name"]),
            "parent_code": r["parent_code"] or None, "parent_name": r["parent_name"] or None,
            "province_code": province, "province_name": r["province"], "valid_from": first,
            "valid_to": calendar.end_of(last), "succ_code": r["succ_code"] or None, "method": r["method"],
            "_succ_province": province_by_name.get(r["succ_province"]),
        })
    provinces = _province_spans(out)
    for span in out:
        del span["_succ_province"]
    return out + provinces


def _province_spans(spans: list[dict]) -> list[dict]:
    """A province lives as long as districts name it as their parent; it leads to the province of the same
    code on 2025-06-30, or (Hà Tây) to the one its districts lead to."""
    named: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for span in spans:
        if span["level"] == "district":
            named[(span["parent_code"], span["parent_name"])].append(span)
    current = {code for (code, _), group in named.items() if any(s["valid_to"] >= OLD_VALID_TO for s in group)}
    out = []
    for (code, name), group in sorted(named.items()):
        if code in current:
            successor, method = code, "same_code"
        else:
            targets = {s["_succ_province"] for s in group if s["_succ_province"]}
            successor, method = (targets.pop(), "districts") if len(targets) == 1 else (None, "unresolved")
        out.append({
            "level": "province", "code": code, "name": name, "name_folded": fold(name), "parent_code": None,
            "parent_name": None, "province_code": code, "province_name": name,
            "valid_from": min(s["valid_from"] for s in group), "valid_to": max(s["valid_to"] for s in group),
            "succ_code": successor, "method": method,
        })
    return out


def read_events(path: Path) -> list[dict]:
    out = []
    for r in _read_tsv(path / EVENTS_FILE):
        out.append({"level": LEVELS.get(r["level"], r["level"]), "day": _day(r["date"], path), "code": r["code"],
                    "event": r["event"], "old_name": r["old_name"] or None, "old_parent": r["old_parent"] or None,
                    "new_name": r["new_name"] or None, "new_parent": r["new_parent"] or None,
                    "province": r["province"] or None, "acts": r["acts_same_province"] or None,
                    "source": r["source"] or None})
    return out


def replace_history(session: Session, path: Path) -> dict:
    """Replace spans and events as a whole (derived data nothing points to); the caller commits."""
    spans, events = read_spans(path), read_events(path)
    session.execute(delete(UnitSpan))
    session.execute(delete(UnitEvent))
    for model, rows in ((UnitSpan, spans), (UnitEvent, events)):
        for start in range(0, len(rows), 5000):
            session.execute(insert(model.__table__), rows[start:start + 5000])
    return {"spans": len(spans), "events": len(events)}
