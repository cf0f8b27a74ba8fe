"""The re-assignment template: bilingual headers, one example row, a sheet of valid kinds, and on request
the open holder/manager flags of a province with their suggested successors (download, review, upload)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.exports import to_csv, to_xlsx
from ..models import Flag, RecordProvince
from ..models.registry import KINDS, PARTY_KINDS
from ..reform.review import PARTY_RULES
from ..reform.views import payloads
from ..tables.columns import REASSIGN_ALIASES_VI, REASSIGN_COLUMNS

EXAMPLE = {"kind": "GI", "reg_no": "00017", "role": "manager",
           "new_party": "Sở Khoa học và Công nghệ tỉnh Ninh Bình", "new_party_kind": "dost", "new_party_unit": "37",
           "decision_no": "123/QĐ-UBND", "decision_date": "2025-07-15", "effective_date": "2025-07-15",
           "note": "EXAMPLE — delete this row / VÍ DỤ — xóa dòng này"}
KIND_NAMES = {"GI": "Chỉ dẫn địa lý", "COLLECTIVE": "Nhãn hiệu tập thể", "CERTIFICATION": "Nhãn hiệu chứng nhận"}
PARTY_NAMES = {"state": "Nhà nước", "province_pc": "UBND cấp tỉnh", "district_pc": "UBND cấp huyện (không còn)",
               "commune_pc": "UBND cấp xã", "dost": "Sở Khoa học và Công nghệ", "state_agency": "Cơ quan nhà nước",
               "association": "Hội, hiệp hội", "cooperative": "Hợp tác xã", "farmers_union": "Hội Nông dân",
               "enterprise": "Doanh nghiệp", "individual": "Cá nhân", "foreign": "Tổ chức, cá nhân nước ngoài"}


def headers() -> list[str]:
    return [f"{c} ({REASSIGN_ALIASES_VI[c][0][:1].upper()}{REASSIGN_ALIASES_VI[c][0][1:]})" for c in REASSIGN_COLUMNS]


def prefilled_rows(session: Session, province: str | None) -> list[dict]:
    """Open holder/manager flags with a single suggestion, in a new province (all provinces if None)."""
    stmt = select(Flag).where(Flag.status == "open", Flag.rule.in_(PARTY_RULES)).order_by(Flag.registration_id)
    if province:
        stmt = stmt.where(Flag.registration_id.in_(select(RecordProvince.registration_id).where(
            RecordProvince.vintage == "new", RecordProvince.province_code == province)))
    flags = list(session.scalars(stmt))
    words = payloads(session, flags)
    rows = []
    for flag in flags:
        suggested = words[flag.id]["suggested"]
        if not suggested or "party" not in suggested or (flag.registration.kind == "GI" and flag.subject == "holder"):
            continue
        reg = flag.registration
        rows.append({"kind": reg.kind, "reg_no": reg.reg_no or reg.internal_id, "role": flag.subject,
                     "new_party": suggested["party"]["name"], "new_party_kind": suggested["party"]["kind"],
                     "new_party_unit": suggested["unit"]["code"], "decision_no": "", "decision_date": "",
                     "effective_date": "", "note": f"{flag.rule}: {reg.name}"})
    return rows


def template(session: Session, fmt: str, province: str | None = None, prefill: bool = False) -> bytes:
    rows = [EXAMPLE] + (prefilled_rows(session, province) if prefill else [])
    titled = [{h: r[c] for h, c in zip(headers(), REASSIGN_COLUMNS)} for r in rows]
    if fmt == "csv":
        return to_csv(titled, headers())
    kinds = [["column", "value", "meaning (vi)"]]
    kinds += [["kind", k, KIND_NAMES[k]] for k in KINDS]
    kinds += [["role", "holder", "Chủ sở hữu"], ["role", "manager", "Tổ chức quản lý"]]
    kinds += [["new_party_kind", k, PARTY_NAMES[k]] for k in PARTY_KINDS if k != "district_pc"]
    return to_xlsx(titled, headers(), sheet="reassign", extra_sheets={"kinds": kinds})
