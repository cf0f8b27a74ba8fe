"""Fixed facts of the 2025 reform that every module refers to."""
from __future__ import annotations

from datetime import date

REFORM_DATE = date(2025, 7, 1)
OLD_VALID_TO = date(2025, 6, 30)
# National Assembly resolution merging 63 provinces into 34, effective 2025-07-01.
PROVINCE_RESOLUTION = "Nghị quyết số 202/2025/QH15 ngày 12/06/2025 của Quốc hội"
# The Law on Organisation of Local Government 2025 ends the district level on 2025-07-01.
DISTRICT_ABOLITION = "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 (cấp huyện kết thúc hoạt động từ 01/07/2025)"


def vintage_on(day: date) -> str:
    """Which vintage of units was in force on ``day`` ('old' up to 2025-06-30, 'new' from 2025-07-01)."""
    return "new" if day >= REFORM_DATE else "old"
