"""Parties (holders and managers): one body of one unit is one party shared by all its records."""
from __future__ import annotations

import re

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..core.text import fold, nfc
from ..gazetteer.snapshot import Gazetteer, Unit
from ..models import Party
from ..models.registry import PARTY_KINDS, STATE_PARTY_KINDS
from .bodies import parse

# Which level of unit a state body of each kind belongs to.
KIND_LEVEL = {"province_pc": "province", "dost": "province", "district_pc": "district", "commune_pc": "commune"}

# Name patterns that tell a body's kind when the file leaves it empty (checked in order, on folded names).
_KIND_PATTERNS = [
    (r"^(uy ban nhan dan|ubnd) (tinh|thanh pho (ha noi|ho chi minh|hai phong|da nang|can tho|hue))\b", "province_pc"),
    (r"^(uy ban nhan dan|ubnd) (huyen|quan|thi xa|thanh pho)\b", "district_pc"),
    (r"^(uy ban nhan dan|ubnd) (xa|phuong|thi tran|dac khu)\b", "commune_pc"),
    (r"^so (khoa hoc (va )?cong nghe|kh (va )?cn|khcn)\b", "dost"),
    (r"^nha nuoc\b", "state"),
    (r"^hoi nong dan\b", "farmers_union"),
    (r"^(hop tac xa|htx)\b", "cooperative"),
    (r"^(hoi|hiep hoi)\b", "association"),
    (r"^(cong ty|doanh nghiep|cty)\b", "enterprise"),
    (r"^(chi cuc|cuc|trung tam|phong|ban quan ly|vien|so)\b", "state_agency"),
]


def infer_kind(name: str) -> str | None:
    folded = fold(name)
    for pattern, kind in _KIND_PATTERNS:
        if re.search(pattern, folded):
            return kind
    # the Front and its organisations as written ("Huyện đoàn Bắc Hà", "Liên đoàn Lao động huyện …")
    body = parse(name)
    if body is not None and body.function is not None and body.function.kind in PARTY_KINDS:
        return body.function.kind
    return None


def is_state(kind: str) -> bool:
    return kind in STATE_PARTY_KINDS


# Kinds of which a unit has exactly one body: its People's Committee, its Department of Science and
# Technology; and the State itself. Their parties are keyed without the name, so that "UBND huyện Lục Ngạn"
# and "Ủy ban nhân dân huyện Lục Ngạn" are one party. Other bodies (associations, agencies) are told apart
# by name. Migration 0003 applies the same keys to stored parties.
ONE_PER_UNIT = frozenset(KIND_LEVEL) | {"state"}


def party_key(name: str, kind: str, unit_id: int | None) -> str:
    if kind in ONE_PER_UNIT:
        return f"{kind}||{unit_id or ''}"
    return f"{kind}|{fold(name)}|{unit_id or ''}"


class PartyBook:
    """Get-or-create parties by key within one transaction, in bulk when asked to."""

    def __init__(self, session: Session):
        self.session = session
        self.by_key: dict[str, int] = {}

    def ids_for(self, specs: list[tuple[str, str, int | None]]) -> list[int]:
        """Ids of the parties (name, kind, unit_id), creating the missing ones with one INSERT."""
        keys = [party_key(*spec) for spec in specs]
        wanted = [k for k in set(keys) if k not in self.by_key]
        for chunk_start in range(0, len(wanted), 900):
            chunk = wanted[chunk_start:chunk_start + 900]
            self.by_key.update(self.session.execute(select(Party.key, Party.id).where(Party.key.in_(chunk))).all())
        missing = {}
        for key, (name, kind, unit_id) in zip(keys, specs):
            if key not in self.by_key and key not in missing:
                missing[key] = {"key": key, "name": nfc(name), "name_folded": fold(name), "kind": kind,
                                "unit_id": unit_id}
        if missing:
            self.session.execute(insert(Party.__table__), list(missing.values()))
            created = list(missing)
            for start in range(0, len(created), 900):
                chunk = created[start:start + 900]
                self.by_key.update(self.session.execute(select(Party.key, Party.id).where(Party.key.in_(chunk))).all())
        return [self.by_key[k] for k in keys]

    def id_for(self, name: str, kind: str, unit_id: int | None) -> int:
        return self.ids_for([(name, kind, unit_id)])[0]


def party_value(party: Party | None, gaz: Gazetteer) -> dict | None:
    """The snapshot of a party kept in history and shown in JSON: name, kind, unit."""
    if party is None:
        return None
    unit = gaz.units.get(party.unit_id) if party.unit_id else None
    return {"party_id": party.id, "name": party.name, "kind": party.kind, "unit": unit_ref(unit)}


def unit_ref(unit: Unit | None) -> dict | None:
    return {"code": unit.code, "name": unit.name, "vintage": unit.vintage} if unit else None


assert set(KIND_LEVEL) <= set(PARTY_KINDS)
