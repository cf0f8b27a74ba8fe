"""A record as an importer hands it down to the registry: validated values, parties and area entries, and the
place data kept pending when the record is incomplete. ``record_writer`` writes it; importers build it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..core.errors import plain_params
from ..core.text import fold
from ..gazetteer.snapshot import Unit
from ..tables.columns import RECORD_OPTIONAL
from .areas import Entry
from .cells import (
    Problem,
)
from .parties import party_key

DATE_FIELDS = ("filing_date", "granted_on", "expiry_date")


@dataclass
class PartyInput:
    name: str
    kind: str
    unit: Unit | None

    def key(self) -> str:
        return party_key(self.name, self.kind, self.unit.id if self.unit else None)


@dataclass
class RecordInput:
    line: int
    kind: str
    reg_no: str | None
    name: str
    product: str | None
    granted_on: date | None
    status: str
    decision_no: str | None
    notes: str | None
    holder: PartyInput | None  # None: not known yet (the record is kept incomplete)
    manager: PartyInput | None
    entries: tuple[Entry, ...]
    area_vintage: date | None
    nice_classes: str | None = None
    filing_date: date | None = None
    expiry_date: date | None = None
    given: frozenset[str] = frozenset()  # optional columns the file has (others keep the registry's values)
    warnings: list[Problem] = field(default_factory=list)
    pending: list[Problem] = field(default_factory=list)  # place data kept verbatim: the record is incomplete
    co_managers: tuple[PartyInput, ...] = ()

    def identity(self) -> tuple:
        """Without a number a record is known by kind, name, product and holder: two GIs named after one
        place ("Bến Tre" coconut, "Bến Tre" pomelo) are two records."""
        return (self.kind, fold(self.name), fold(self.product), fold(self.holder.name) if self.holder else "")

    def pending_json(self) -> list[dict] | None:
        return [{"column": p.column, "value": p.value, "msgid": p.msgid, "params": plain_params(p.params),
                 "candidates": p.candidates} for p in self.pending] or None

    def details(self) -> dict:
        """The record's details as stored in its history (dates as ISO strings)."""
        values = {"name": self.name, "product": self.product, "nice_classes": self.nice_classes,
                  "filing_date": self.filing_date, "granted_on": self.granted_on, "expiry_date": self.expiry_date,
                  "status": self.status, "decision_no": self.decision_no, "notes": self.notes}
        return {k: (v.isoformat() if k in DATE_FIELDS and v else v) for k, v in values.items()}

    def kept(self) -> set[str]:
        """Optional details the file does not carry: the registry's values stay."""
        return set(RECORD_OPTIONAL) - self.given
