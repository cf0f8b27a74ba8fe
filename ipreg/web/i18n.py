"""Interface language: Vietnamese by default, English per user or with ``?lang=``."""
from __future__ import annotations

from datetime import date, datetime
from functools import partial

from flask import Flask, g, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from ..extensions import babel, db
from ..gazetteer.history import METHOD_WORDS
from ..gazetteer.snapshot import get_gazetteer
from ..reform.letters_acts import written_out
from .errors import translate, translate_message

LANGUAGES = ("vi", "en")

LEVEL_LABELS = {"province": _l("province"), "district": _l("district"), "commune": _l("commune")}
# The dated lists' changes between two dates (geodata/history events).
EVENT_LABELS = {"added": _l("created"), "removed": _l("removed"), "changed": _l("renamed or moved")}
LINK_LABELS = {"whole": _l("merged whole"), "part": _l("part"), "unchanged": _l("unchanged"),
               "renamed": _l("renamed")}
LABELS = {
    "kind": {"GI": _l("Geographical indication"), "COLLECTIVE": _l("Collective mark"),
             "CERTIFICATION": _l("Certification mark")},
    "status": {"pending": _l("pending"), "registered": _l("registered"), "expired": _l("expired"),
               "cancelled": _l("cancelled")},
    "party_kind": {"state": _l("the State"), "province_pc": _l("provincial People's Committee"),
                   "district_pc": _l("district People's Committee"), "commune_pc": _l("commune People's Committee"),
                   "dost": _l("Department of Science and Technology"), "state_agency": _l("state agency"),
                   "association": _l("association"), "cooperative": _l("cooperative"),
                   "farmers_union": _l("farmers' union"), "enterprise": _l("enterprise"),
                   "individual": _l("individual"), "foreign": _l("foreign party")},
    "coverage": {"whole": _l("whole"), "part": _l("part")},
    "severity": {"high": _l("high"), "medium": _l("medium"), "low": _l("low")},
    "flag_status": {"open": _l("open"), "accepted": _l("accepted"), "dismissed": _l("dismissed"),
                    "resolved": _l("resolved")},
    "fact_role": {"details": _l("details"), "holder": _l("holder"), "manager": _l("manager"), "area": _l("area"),
                  "polygon": _l("polygon")},
    "role": {"admin": _l("administrator"), "ip_officer": _l("IP officer"),
             "provincial_staff": _l("provincial staff")},
    "batch_status": {"previewed": _l("previewed"), "applied": _l("applied"), "rolled_back": _l("rolled back")},
    "outcome": {"ok": _l("ok"), "denied": _l("denied")},
    # The rules by what they ask of the officer (the code stays beside them, as a tooltip and in exports).
    "rule": {"HOLDER_BODY_ABOLISHED": _l("Holder's body abolished"),
             "MANAGER_BODY_ABOLISHED": _l("Managing body abolished"),
             "HOLDER_BODY_MERGED": _l("Holder's body merged"), "MANAGER_BODY_MERGED": _l("Managing body merged"),
             "HOLDER_UNIT_SPLIT": _l("Holder's unit split"), "MANAGER_UNIT_SPLIT": _l("Managing body's unit split"),
             "HOLDER_BODY_RENAMED": _l("Holder's body renamed"), "MANAGER_BODY_RENAMED": _l("Managing body renamed"),
             "AREA_CROSSES_PROVINCES": _l("Area across provinces"), "AREA_PARTIAL_UNITS": _l("Area in split units"),
             "AREA_REEXPRESSION": _l("Area to re-express in new units"), "ADDRESS_OUTDATED": _l("Address outdated"),
             "AREA_UNRESOLVED": _l("Area unit not recognised"), "DATA_MISSING": _l("Data missing")},
    "source": {"import": _l("import"), "review": _l("review"), "batch": _l("batch"), "rollback": _l("rollback"),
               "edit": _l("edit")},
}


# The templates' names of the label groups (role_of_fact_label reads the group "fact_role").
LABEL_GLOBALS = {name: name for name in LABELS} | {"role_of_fact": "fact_role"}


def label(group: str, value) -> str:
    return str(LABELS[group].get(value, value or ""))


VINTAGE_MARKS = {"old": _l("old"), "new": _l("new")}


_PROVINCE_LABELS: dict[str, tuple] = {}


def province_labels() -> dict[tuple[str, str], str]:
    """Every province's label by (vintage, code), made once per gazetteer snapshot and language (a page may
    show a hundred of them; the gazetteer is looked up once per request)."""
    gaz = g.get("ipreg_gazetteer")
    if gaz is None:
        gaz = g.ipreg_gazetteer = get_gazetteer(db.session)
    locale = str(get_locale() or "vi")
    stored = _PROVINCE_LABELS.get(locale)
    if stored is None or stored[0] is not gaz:
        labels = {(u.vintage, u.code): _label(gaz, u) for v in ("new", "old") for u in gaz.provinces(v)}
        stored = _PROVINCE_LABELS[locale] = (gaz, labels)
    return stored[1]


def _label(gaz, unit) -> str:
    other = gaz.by_key.get(("new" if unit.vintage == "old" else "old", unit.code))
    if other is not None and other.short_name != unit.short_name:
        return f"{unit.short_name} ({unit.code}, {VINTAGE_MARKS[unit.vintage]})"
    return f"{unit.short_name} ({unit.code})"


def province_label(code: str | None, vintage: str = "new") -> str:
    """A province by name with its code beside: "Tây Ninh (80, mới)". The vintage is said when the code
    names another province in the other vintage (80 is Long An before 2025-07-01 and Tây Ninh after)."""
    if not code:
        return ""
    return province_labels().get((vintage, code), code)


def provinces_label(codes, vintage: str = "new") -> str:
    """Several provinces by name ("Lào Cai (15); Tây Ninh (80, mới)") from a list or a comma-joined string."""
    items = codes.split(",") if isinstance(codes, str) else list(codes or ())
    return "; ".join(province_label(code.strip(), vintage) for code in items if code.strip())


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        return lang
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    user = getattr(g, "_login_user", None)
    if user is not None and getattr(user, "lang", None) in LANGUAGES:
        return user.lang
    return "vi"


def vndate(value) -> str:
    """dd/mm/yyyy, as dates are written in Vietnam (both languages keep it unambiguous)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):  # stored in UTC; shown in the office's time zone (BABEL_DEFAULT_TIMEZONE)
        return format_datetime(value, "dd/MM/yyyy HH:mm")
    return format_date(value, "dd/MM/yyyy")


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["vndate"] = vndate
    app.jinja_env.filters["act"] = written_out  # "Số: …; Ngày: …" of the sources, written out
    app.jinja_env.filters["tr"] = translate  # a domain Message (problem, unit search) in the interface language
    app.jinja_env.filters["tr_msgid"] = translate_message  # a domain msgid (N_) without params
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale() or "vi"),
        level_label=lambda level: str(LEVEL_LABELS.get(level, level)),
        link_label=lambda kind: str(LINK_LABELS.get(kind, kind)),
        event_label=lambda kind: str(EVENT_LABELS.get(kind, kind)),
        method_label=lambda method: translate_message(METHOD_WORDS[method]) if method in METHOD_WORDS else method,
        # kind_label(v), status_label(v), … one per group of LABELS
        **{f"{name}_label": partial(label, group) for name, group in LABEL_GLOBALS.items()},
        province_label=province_label,
        provinces_label=provinces_label,
    )
