"""Reading and editing one record: its page (facts on a date, flags, the polygon compared with the unit list)
and the upload of an area polygon."""
from __future__ import annotations

from datetime import date

import shapely

from ..core.clock import utcnow
from ..gazetteer.snapshot import get_gazetteer
from ..models import Registration
from ..reform.views import record_with_flags
from ..registry.area_geometry import compare_polygon
from ..registry.areas import summarise
from ..registry.recordals import change_polygon, check_version
from ..registry.records import entries_of, find_by_internal_id
from ..registry.visibility import check_visible
from ..spatial.polygons import parse_polygon
from ..spatial.store import get_store
from .context import Context, transaction


def visible_record(ctx: Context, internal_id: str) -> Registration:
    """A record the user may see (the anonymous public: registered records only)."""
    ctx.require("read")
    reg = find_by_internal_id(ctx.session, internal_id)
    check_visible(ctx.session, reg, ctx.scope, public_only=ctx.user is None)
    return reg


def record_page(ctx: Context, internal_id: str, on: date | None) -> dict:
    """The record as it stood on ``on`` (today without), its flags if the user may read them, and its uploaded
    polygon compared with the unit list."""
    reg = visible_record(ctx, internal_id)
    gaz = get_gazetteer(ctx.session)
    record = record_with_flags(ctx.session, gaz, reg, on=on, with_flags=ctx.can("read_flags"))
    comparison = None
    if reg.area_polygon and record["area"]:
        comparison = compare_polygon(ctx.session, gaz, summarise(gaz, entries_of(gaz, reg)),
                                     shapely.from_wkb(reg.area_polygon), get_store(ctx.session, gaz.version))
    return {"reg": reg, "record": record, "comparison": comparison, "can_edit": ctx.can("edit_records")}


def upload_polygon(ctx: Context, internal_id: str, data: bytes, filename: str | None, version=None) -> None:
    """Attach an area polygon (GeoJSON) to a record, kept beside its unit list and compared with it."""
    ctx.require("edit_records")
    with transaction(ctx) as session:
        reg = visible_record(ctx, internal_id)
        check_version(reg, version)
        change_polygon(session, get_gazetteer(session), reg, parse_polygon(data), utcnow().date(), source="edit",
                       actor=ctx.actor, note=filename)
