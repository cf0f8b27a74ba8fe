"""The home of each role, read in one action each: what an officer has to do, a province in numbers, the
state of the house for the administrator. Reading only; the permission is checked as for every action."""
from __future__ import annotations

from collections import Counter

from ..accounts.users import list_users
from ..batches.service import list_batches
from ..core.clock import utcnow
from ..core.errors import N_, Forbidden
from ..gazetteer.loading import gazetteer_loads, unit_counts
from ..jobs.overview import job_counts, latest_jobs
from ..maps.thumbnail import province_outline
from ..models.user import ROLES
from ..reform.dashboard import incomplete_records, province_figures, recent_decisions
from ..reform.queries import FlagQuery, list_flags
from ..reform.stats import statistics
from .context import Context

FIRST = 5  # the assigned flags listed on the home; the queue has them all


def officer_home(ctx: Context) -> dict:
    """The flags assigned to me, the open high flags by new province, the latest decisions and the work left
    (the statistics' hand-over figures, not counted again)."""
    ctx.require("review")
    stats = statistics(ctx.session, ctx.scope)
    mine, assigned = list_flags(ctx.session, FlagQuery(status="open", assignee=ctx.actor, scope=ctx.scope,
                                                       limit=FIRST))
    high = sorted((p for p in stats["provinces"] if p["open_high"]),
                  key=lambda p: (-p["open_high"], p["province_code"]))
    return {"assigned": mine, "assigned_total": assigned, "high_by_province": high,
            "open_high": sum(p["open_high"] for p in high), "decisions": recent_decisions(ctx.session, ctx.scope),
            "monitoring": stats["monitoring"], "records": stats["records"]}


def staff_home(ctx: Context) -> dict:
    """Each of the user's provinces in numbers (as its statistics count them), with its outline."""
    ctx.require("read_flags")
    if ctx.scope is None:
        raise Forbidden(N_("This home shows the provinces of a provincial user."))
    return {"provinces": [province_figures(ctx.session, code) | {"outline": province_outline(ctx.session, code)}
                          for code in ctx.scope]}


def admin_home(ctx: Context) -> dict:
    """Jobs, batches, users and the health of the data, for the administrator."""
    for permission in ("jobs", "batch", "manage_users", "gazetteer"):
        ctx.require(permission)
    session = ctx.session
    return {"jobs": {"counts": job_counts(session), "running": latest_jobs(session, ("queued", "running")),
                     "failed": latest_jobs(session, ("failed",))},
            "batches": list_batches(session, limit=FIRST), "users": _users(ctx), "health": _health(ctx)}


def _users(ctx: Context) -> dict:
    """Users by role, and those who cannot log in now: disabled, or locked after failed log-ins."""
    users = list_users(ctx.session)
    now = utcnow()
    by_role = Counter(u.role for u in users if u.active)
    return {"total": len(users), "by_role": {role: by_role.get(role, 0) for role in ROLES},
            "disabled": sum(1 for u in users if not u.active),
            "locked": sum(1 for u in users if u.active and u.locked_until and u.locked_until > now)}


def _health(ctx: Context) -> dict:
    """The latest load of each part of the gazetteer, the units of both vintages, whether the dated history
    since 2004 is there, the records left incomplete and the failed jobs."""
    latest: dict[str, object] = {}
    for load in gazetteer_loads(ctx.session, 50):  # newest first: the first of a kind is its latest
        latest.setdefault(load.kind, load)
    counts = unit_counts(ctx.session)
    return {"loads": latest, "counts": counts, "history": counts.get("history_spans", 0) > 0,
            "incomplete": incomplete_records(ctx.session, ctx.scope)}
