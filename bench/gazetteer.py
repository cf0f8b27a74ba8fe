"""Gazetteer benchmark: first and second ``ipreg init``, projecting every old commune, resolving names.

Baselines, measured in the same run on the same data: projection by one SQL query per old commune (what a
naive ORM loop does), and resolution by a fuzzy scan of every unit name per query (no index).
Targets on the 2-core reference machine: projection ≤ 50 ms, first init ≤ 60 s, second ≤ 5 s,
resolution ≥ 2,000 names/s.
"""
from __future__ import annotations

import random
import sys

from common import Figure, app_for, fresh_instance, ipreg, table, timed


def name_variants(gaz, units, rng):
    """Names as officers write them: full paths, folded, without type words, with abbreviations."""
    from ipreg.core.text import fold

    out = []
    for unit in units:
        path = gaz.path(unit)
        style = rng.randrange(4)
        if style == 0:
            out.append(path)
        elif style == 1:
            out.append(", ".join(fold(part) for part in path.split(", ")))
        elif style == 2 and (parent := gaz.parent(unit)) is not None:
            out.append(f"{unit.short_name}, {parent.short_name}")
        else:
            out.append(path.replace("Thị trấn ", "TT ").replace("Thành phố ", "TP ").replace("Huyện ", "H. "))
    return out


def run(smoke: bool = False) -> list[Figure]:
    env = fresh_instance()
    figures = []
    first, proc = ipreg("init", env=env)
    figures.append(Figure("gazetteer", "first ipreg init", first, "s", "≤ 60 s", first <= 60))
    second, proc = ipreg("init", env=env)
    assert "Nothing to do" in proc.stdout, proc.stdout
    figures.append(Figure("gazetteer", "second ipreg init", second, "s", "≤ 5 s", second <= 5))

    app = app_for(env)
    from sqlalchemy import select

    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Succession

    with app.app_context():
        gaz = get_gazetteer(db.session)
        communes = [u for u in gaz.units.values() if u.vintage == "old" and u.level == "commune"]
        seconds, projection = timed(lambda: gaz.project(communes), repeat=5 if smoke else 20)
        assert len(projection.new_provinces) == 34

        def naive():
            reached = set()
            for unit in communes[: 500 if smoke else None]:
                reached.update(db.session.scalars(select(Succession.new_id).where(
                    Succession.old_id == unit.id, Succession.source == "vau")))
            return reached

        naive_seconds, _ = timed(naive)
        if smoke:
            naive_seconds *= len(communes) / 500
        figures.append(Figure("gazetteer", f"project all {len(communes):,} old communes", seconds * 1000, "ms",
                              "≤ 50 ms", seconds <= 0.050, naive_seconds * 1000))

        rng = random.Random(7)
        sample = rng.sample(communes + [u for u in gaz.units.values() if u.level != "commune"], 10_000)
        names = name_variants(gaz, sample, rng)
        gaz.names  # build the index outside the timing, as a running app has it
        seconds, results = timed(lambda: [gaz.names.resolve(n, "old") for n in names])
        matched = sum(1 for r in results if r.match is not None)
        rate = len(names) / seconds

        from rapidfuzz import fuzz, process

        choices = [gaz.path(u) for u in gaz.units.values() if u.vintage == "old"]
        few = names[:200]
        naive_seconds, _ = timed(lambda: [process.extractOne(n, choices, scorer=fuzz.WRatio) for n in few])
        naive_rate = len(few) / naive_seconds
        figures.append(Figure("gazetteer", f"resolve 10,000 names ({matched:,} matched exactly)", rate, "names/s",
                              "≥ 2,000/s", rate >= 2000, naive_rate, higher_is_better=True))
        db.session.remove()
    return figures


if __name__ == "__main__":
    result = run(smoke="--smoke" in sys.argv)
    print(table(result))
