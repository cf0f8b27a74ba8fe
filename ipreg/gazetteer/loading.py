"""Load the gazetteer (units of both vintages, succession links, geometry, legal basis) into the database.

Idempotent by fingerprint: each part (the package's lists, the boundary layers, the statistics office
table) is reloaded only when its source changed, so a second ``ipreg init`` changes nothing and says so.
Units are upserted by (code, vintage) because records point at them; links are derived data and are
replaced as a whole, in the same transaction.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import shapely
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..core.audit import audit
from ..core.errors import N_, IpregError
from ..core.reform import DISTRICT_ABOLITION, OLD_VALID_TO, PROVINCE_RESOLUTION, REFORM_DATE
from ..core.text import fold, slug
from ..models import AdminUnit, GazetteerLoad, Succession, UnitSpan
from ..spatial.io import boundary_files, data_file, file_fingerprint, read_boundaries
from ..spatial.overlay import pair_shares, projected_by_code
from . import crosswalk
from .history_load import history_dir, history_fingerprint, replace_history

Progress = Callable[[str], None]
# Bump when the way units or links are derived from the sources changes, so that `ipreg init` reloads.
LOADER_VERSION = "3"


@dataclass
class LoadReport:
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    missing_layers: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    skipped_rows: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"changed": self.changed, "unchanged": self.unchanged, "missing_layers": self.missing_layers,
                "counts": self.counts, "skipped_rows": self.skipped_rows}


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _last_fingerprint(session: Session, kind: str) -> str | None:
    return session.scalar(select(GazetteerLoad.fingerprint).where(GazetteerLoad.kind == kind)
                          .order_by(GazetteerLoad.id.desc()).limit(1))


def _combine(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def load_gazetteer(session: Session, geodata_dir: Path, progress: Progress = lambda _: None,
                   force: bool = False, actor: str | None = None) -> LoadReport:
    """Bring the gazetteer in ``session`` up to date with the package and ``geodata_dir``; commit once."""
    geodata_dir = Path(geodata_dir)
    report = LoadReport()
    legal_path = data_file(geodata_dir, "legal_basis")
    legal = crosswalk.read_legal_basis(legal_path) if legal_path and legal_path.exists() else {}
    if not legal:
        report.missing_layers.append("legal_basis")
    package_print = crosswalk.package_fingerprint()
    units_print = _combine(LOADER_VERSION, package_print, *sorted(f"{k}={v}" for k, v in legal.items()))
    specs = boundary_files(geodata_dir)
    present = [s for s in specs if s.path.exists()]
    report.missing_layers += [s.name for s in specs if not s.path.exists()]
    layer_print = _combine(units_print, *(f"{s.name}:{file_fingerprint(s.path)}" for s in present))
    nso_path = data_file(geodata_dir, "crosswalk")
    nso_print = None
    if nso_path and nso_path.exists():
        nso_print = _combine(units_print, file_fingerprint(nso_path))
    else:
        report.missing_layers.append("crosswalk")

    units_changed = force or _last_fingerprint(session, "units") != units_print
    if units_changed:
        progress(N_("Reading the unit lists and converter of vietnamadminunits"))
        source = crosswalk.read_package()
        _upsert_units(session, source.units, legal)
        _replace_links(session, "vau", source.links)
        session.add(GazetteerLoad(kind="units", fingerprint=units_print, loaded_at=_now(),
                                  summary={"package": crosswalk.package_version()}))
        report.changed.append("units")
    else:
        report.unchanged.append("units")

    if units_changed or _last_fingerprint(session, "geometry") != layer_print:
        progress(N_("Reading boundary layers and computing area shares"))
        layers = [read_boundaries(s) for s in present]
        _store_geometry(session, layers)
        _store_shares(session, layers)
        session.add(GazetteerLoad(kind="geometry", fingerprint=layer_print, loaded_at=_now(),
                                  summary={"layers": [s.name for s in present]}))
        report.changed.append("geometry")
    else:
        report.unchanged.append("geometry")

    _load_history(session, geodata_dir, report, progress, force)

    if nso_print and (units_changed or _last_fingerprint(session, "nso") != nso_print):
        progress(N_("Importing the statistics office conversion table"))
        report.skipped_rows = import_nso_table(session, nso_path, fingerprint=nso_print)
        report.changed.append("crosswalk")
    elif nso_print:
        report.unchanged.append("crosswalk")
    report.counts = unit_counts(session)
    if report.changed:
        audit(session, actor or "ipreg init", "gazetteer.load", object_type="gazetteer", object_id=str(geodata_dir),
              after={"changed": report.changed, "counts": report.counts, "missing": report.missing_layers})
    session.commit()
    return report


def _load_history(session: Session, geodata_dir: Path, report: LoadReport, progress: Progress, force: bool) -> None:
    """The dated units since 2004, reloaded only when the history files change."""
    path = history_dir(geodata_dir)
    if path is None:
        report.missing_layers.append("history")
        return
    fingerprint = _combine(LOADER_VERSION, history_fingerprint(path))
    if not force and _last_fingerprint(session, "history") == fingerprint:
        report.unchanged.append("history")
        return
    progress(N_("Reading the dated unit lists since 2004"))
    summary = replace_history(session, path)
    session.add(GazetteerLoad(kind="history", fingerprint=fingerprint, loaded_at=_now(), summary=summary))
    report.changed.append("history")


def import_nso_table(session: Session, path: Path, fingerprint: str | None = None) -> list[dict]:
    """Store the statistics office's links (source 'nso') beside the package's; return rows it skipped."""
    table = crosswalk.read_nso_table(path)
    ids = _id_map(session)
    unknown = sorted({l.old_code for l in table.links if ("old", l.old_code) not in ids}
                     | {l.new_code for l in table.links if ("new", l.new_code) not in ids})
    if unknown:
        raise IpregError(N_("%(path)s: %(count)d codes are not in the gazetteer (first: %(first)s)"),
                         path=str(path), count=len(unknown), first=", ".join(unknown[:5]))
    _replace_links(session, "nso", table.links)
    session.add(GazetteerLoad(kind="nso", fingerprint=fingerprint or table.fingerprint, loaded_at=_now(),
                              summary={"file": str(path), "links": len(table.links)}))
    return table.skipped


def gazetteer_loads(session: Session, limit: int = 20) -> list[GazetteerLoad]:
    """The latest loads of the gazetteer, newest first."""
    return list(session.scalars(select(GazetteerLoad).order_by(GazetteerLoad.id.desc()).limit(limit)))


def unit_counts(session: Session) -> dict:
    rows = session.execute(select(AdminUnit.vintage, AdminUnit.level, func.count())
                           .group_by(AdminUnit.vintage, AdminUnit.level)).all()
    counts = {f"{v}_{lvl}": n for v, lvl, n in rows}
    counts["links"] = session.scalar(select(func.count()).select_from(Succession)
                                     .where(Succession.source == "vau")) or 0
    counts["nso_links"] = session.scalar(select(func.count()).select_from(Succession)
                                         .where(Succession.source == "nso")) or 0
    counts["history_spans"] = session.scalar(select(func.count()).select_from(UnitSpan)) or 0
    return counts


def _id_map(session: Session) -> dict[tuple[str, str], int]:
    return {(v, c): i for i, v, c in session.execute(select(AdminUnit.id, AdminUnit.vintage, AdminUnit.code))}


def _upsert_units(session: Session, units: list[crosswalk.SourceUnit], legal: dict[str, str]) -> None:
    table = AdminUnit.__table__
    ids = _id_map(session)
    fresh = [u for u in units if (u.vintage, u.code) not in ids]
    if fresh:
        session.execute(insert(table), [
            {"code": u.code, "vintage": u.vintage, "level": u.level, "type": u.type, "name": u.name,
             "short_name": u.short_name, "name_folded": fold(u.name), "province_code": u.province_code}
            for u in fresh
        ])
        ids = _id_map(session)
    rows = []
    for u in units:
        if u.vintage == "new":
            basis = legal.get(u.code) if u.level == "commune" else PROVINCE_RESOLUTION
            valid_from, valid_to = REFORM_DATE, None
        else:
            basis, valid_from, valid_to = None, None, OLD_VALID_TO
        parent = ids[(u.vintage, u.parent_code)] if u.parent_code else None
        rows.append({"_id": ids[(u.vintage, u.code)], "level": u.level, "type": u.type, "name": u.name,
                     "short_name": u.short_name, "name_folded": fold(u.name), "parent_id": parent,
                     "province_code": u.province_code, "valid_from": valid_from, "valid_to": valid_to,
                     "legal_basis": basis, "area_km2": u.area_km2, "lat": u.lat, "lon": u.lon})
    stmt = update(table).where(table.c.id == bindparam("_id")).values(
        {k: bindparam(k) for k in rows[0] if k != "_id"})
    session.connection().execute(stmt, rows)


def derive_links(commune_links: list[crosswalk.SourceLink], units: dict[tuple[str, str], dict]) -> list[dict]:
    """Commune links as given, plus district→new commune and province→province links derived from them.

    ``units`` maps (vintage, code) to a dict with ``level``, ``parent_code``, ``province_code``,
    ``short_name``. A district is abolished and linked to every new commune that took its communes; a
    province to the new province its communes went to.
    """
    links = [{"old": l.old_code, "new": l.new_code, "old_level": l.old_level, "kind": l.kind, "note": l.note}
             for l in commune_links]
    by_district: dict[str, set[str]] = defaultdict(set)
    by_province: dict[str, set[str]] = defaultdict(set)
    for l in commune_links:
        old = units[("old", l.old_code)]
        district = old["parent_code"] if l.old_level == "commune" else l.old_code
        by_district[district].add(l.new_code)
        by_province[old["province_code"]].add(units[("new", l.new_code)]["province_code"])
    linked_directly = {l.old_code for l in commune_links if l.old_level == "district"}  # island districts
    for district, news in by_district.items():
        if district in linked_directly:
            continue
        kind = "whole" if len(news) == 1 else "part"
        links += [{"old": district, "new": n, "old_level": "district", "kind": kind, "note": DISTRICT_ABOLITION}
                  for n in sorted(news)]
    predecessors = defaultdict(set)
    for province, news in by_province.items():
        for n in news:
            predecessors[n].add(province)
    for province, news in by_province.items():
        for n in sorted(news):
            same = slug(units[("old", province)]["short_name"]) == slug(units[("new", n)]["short_name"])
            kind = "part" if len(news) > 1 else ("unchanged" if same and len(predecessors[n]) == 1 else "whole")
            links.append({"old": province, "new": n, "old_level": "province", "kind": kind, "note": None})
    return links


def _unit_facts(session: Session) -> dict[tuple[str, str], dict]:
    """(vintage, code) → the few facts link derivation needs, in one query."""
    rows = session.execute(select(AdminUnit.id, AdminUnit.vintage, AdminUnit.code, AdminUnit.level,
                                  AdminUnit.parent_id, AdminUnit.province_code, AdminUnit.short_name,
                                  AdminUnit.legal_basis)).all()
    code_of = {r.id: r.code for r in rows}
    return {(r.vintage, r.code): {"id": r.id, "level": r.level, "parent_code": code_of.get(r.parent_id),
                                  "province_code": r.province_code, "short_name": r.short_name,
                                  "legal_basis": r.legal_basis} for r in rows}


def _replace_links(session: Session, source: str, commune_links: list[crosswalk.SourceLink]) -> None:
    """Replace the links of one source; the package's links are completed with district/province links."""
    units = _unit_facts(session)
    if source == "vau":
        rows = derive_links(commune_links, units)
    else:
        rows = [{"old": l.old_code, "new": l.new_code, "old_level": l.old_level, "kind": l.kind, "note": l.note}
                for l in commune_links]
    session.execute(delete(Succession).where(Succession.source == source))
    payload = []
    for r in rows:
        new = units[("new", r["new"])]
        basis = PROVINCE_RESOLUTION if r["old_level"] == "province" else new["legal_basis"]
        whole = r["kind"] in ("whole", "unchanged", "renamed")
        payload.append({"old_id": units[("old", r["old"])]["id"], "new_id": new["id"], "kind": r["kind"],
                        "effective_date": REFORM_DATE, "legal_basis": basis, "share": 1.0 if whole else None,
                        "share_of_new": None, "source": source, "note": r["note"] or None})
    session.execute(insert(Succession.__table__), payload)


def _store_geometry(session: Session, layers) -> None:
    ids = _id_map(session)
    table = AdminUnit.__table__
    for layer in layers:
        bounds = shapely.bounds(layer.geoms)
        wkb = shapely.to_wkb(layer.geoms)
        rows, unknown = [], []
        for code, blob, box in zip(layer.codes.tolist(), wkb.tolist(), bounds.tolist()):
            code = code.zfill({"province": 2, "district": 3, "commune": 5}[layer.source.level])
            unit_id = ids.get((layer.source.vintage, code))
            if unit_id is None:
                unknown.append(code)
                continue
            rows.append({"_id": unit_id, "geom": blob, "minx": box[0], "miny": box[1], "maxx": box[2],
                         "maxy": box[3]})
        if rows:
            stmt = update(table).where(table.c.id == bindparam("_id")).values(
                geom=bindparam("geom", type_=AdminUnit.geom.type), minx=bindparam("minx"),
                miny=bindparam("miny"), maxx=bindparam("maxx"), maxy=bindparam("maxy"))
            session.connection().execute(stmt, rows)


def _store_shares(session: Session, layers) -> None:
    """Fill ``share``/``share_of_new`` on every link whose two units both have a polygon."""
    geoms = {(l.source.vintage, l.source.level): projected_by_code(l.codes, l.geoms) for l in layers}
    links = session.execute(
        select(Succession.id, Succession.kind, AdminUnit.code, AdminUnit.level, Succession.new_id)
        .join(AdminUnit, AdminUnit.id == Succession.old_id)).all()
    new_codes = dict(session.execute(select(AdminUnit.id, AdminUnit.code).where(AdminUnit.vintage == "new")).all())
    new_levels = dict(session.execute(select(AdminUnit.id, AdminUnit.level).where(AdminUnit.vintage == "new")).all())
    updates = []
    groups = defaultdict(list)
    for link_id, kind, old_code, old_level, new_id in links:
        groups[(old_level, new_levels[new_id])].append((link_id, old_code, new_codes[new_id]))
    for (old_level, new_level), items in groups.items():
        old_g, new_g = geoms.get(("old", old_level)), geoms.get(("new", new_level))
        if not old_g or not new_g:
            continue
        shares = pair_shares(old_g, new_g, [(o, n) for _, o, n in items])
        for link_id, o, n in items:
            if (o, n) in shares:
                share, share_of_new = shares[(o, n)]
                updates.append({"_id": link_id, "share": share, "share_of_new": share_of_new})
    if updates:
        table = Succession.__table__
        session.connection().execute(
            update(table).where(table.c.id == bindparam("_id"))
            .values(share=bindparam("share"), share_of_new=bindparam("share_of_new")), updates)
