"""Dated gazetteer benchmark (issue 12): loading the history since 2004 and resolving historic names.

Load: ``replace_history`` (unit spans and events from geodata/history) into a freshly migrated SQLite database,
then once more over the loaded rows (what ``ipreg init --force`` does).

Resolution: 10,000 names (1,000 with --smoke) built from the unit spans themselves, as an officer copies them
from a list of their own date: "name, district, province" for communes, "name, province" for districts, each
read on a random day inside its span; half from spans still valid on 2025-06-30, half from spans that ended
before (removed, renamed, moved). Each answer is counted as resolved on the stated date (no warning), through
history (a unit with a warning saying what the written unit became), as candidates (no unit, choices offered)
or not at all; and as right when it is the span's own 2025-06-30 unit (none, for a span whose successor the
sources do not know).

Baseline, measured in the same run on the same names: the resolver before the history, ``gaz.names.resolve``
on the 2025-06-30 list (what ipreg did before issue 12). No targets: the figures are for reading.
"""
from __future__ import annotations

import random
import sys
import time
from datetime import timedelta

from common import ROOT, Figure, app_for, fresh_instance, ipreg, table, timed

OUTCOMES = ("on the stated date", "through history (warning)", "as candidates", "not at all")


def historic_names(history, count: int, rng: random.Random) -> list[tuple[str, object, object]]:
    """(text, day, span): half from spans valid on 2025-06-30, half from spans that ended before."""
    from ipreg.core.reform import OLD_VALID_TO

    spans = [s for s in history.spans if s.level in ("commune", "district")]
    current = [s for s in spans if s.valid_to >= OLD_VALID_TO]
    ended = [s for s in spans if s.valid_to < OLD_VALID_TO]
    picked = rng.choices(current, k=count // 2) + rng.choices(ended, k=count - count // 2)
    rng.shuffle(picked)
    out = []
    for span in picked:
        day = span.valid_from + timedelta(days=rng.randrange((span.valid_to - span.valid_from).days + 1))
        parts = [span.name, span.parent_name if span.level == "commune" else None, span.province_name]
        out.append((", ".join(p for p in parts if p), day, span))
    return out


def outcome(result) -> str:
    if result.unit is not None:
        return OUTCOMES[1] if result.notes else OUTCOMES[0]
    return OUTCOMES[2] if result.candidates else OUTCOMES[3]


def run(smoke: bool = False) -> list[Figure]:
    figures = []
    geodata = ROOT.parent / "shared" / "geodata"

    # Load: a freshly migrated database, history only.
    env = fresh_instance()
    app = app_for(env | {"IPREG_GEODATA": str(geodata)})
    from flask_migrate import upgrade

    from ipreg.extensions import db
    from ipreg.gazetteer.history_load import history_dir, replace_history

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        path = history_dir(geodata)
        if path is None:
            raise RuntimeError(f"no history in {geodata} (unit_spans_2004-2025-06-30.tsv)")

        def load():
            summary = replace_history(db.session, path)
            db.session.commit()
            return summary

        seconds, summary = timed(load)
        figures.append(Figure("history", f"load history into a fresh database ({summary['spans']:,} spans, "
                                         f"{summary['events']:,} events)", seconds, "s"))
        seconds, _ = timed(load, repeat=1 if smoke else 3)
        figures.append(Figure("history", "reload history over the loaded rows", seconds, "s"))
        db.session.remove()
        db.engine.dispose()

    # Resolution: a full gazetteer (ipreg init), then 10,000 historic names.
    env = fresh_instance()
    ipreg("init", env=env | {"IPREG_GEODATA": str(geodata)})
    app = app_for(env | {"IPREG_GEODATA": str(geodata)})
    from ipreg.core.reform import OLD_VALID_TO
    from ipreg.gazetteer.dated_names import resolve_on
    from ipreg.gazetteer.history import get_history
    from ipreg.gazetteer.snapshot import get_gazetteer

    with app.app_context():
        started = time.perf_counter()
        history = get_history(db.session)  # built once per gazetteer, as a running app has it
        gaz = get_gazetteer(db.session)
        gaz.names
        figures.append(Figure("history", "build the in-memory history (with the gazetteer snapshot)",
                              time.perf_counter() - started, "s"))
        count = 1_000 if smoke else 10_000
        names = historic_names(history, count, random.Random(12))

        seconds, results = timed(lambda: [resolve_on(history, text, day) for text, day, _ in names])
        rate = len(names) / seconds
        base_seconds, base_results = timed(lambda: [gaz.names.resolve(text, "old") for text, _, _ in names])
        base_rate = len(names) / base_seconds
        figures.append(Figure("history", f"resolve {len(names):,} historic names on their date (resolve_on)", rate,
                              "names/s", baseline=base_rate, higher_is_better=True))

        shares = {key: 0 for key in OUTCOMES}
        for result in results:
            shares[outcome(result)] += 1
        base_shares = {OUTCOMES[0]: sum(1 for r in base_results if r.match is not None),
                       OUTCOMES[2]: sum(1 for r in base_results if r.match is None and r.candidates),
                       OUTCOMES[3]: sum(1 for r in base_results if r.match is None and not r.candidates)}
        for key in OUTCOMES:
            base = base_shares.get(key)
            figures.append(Figure("history", f"share resolved {key}" if key != OUTCOMES[2] else f"share {key}",
                                  100 * shares[key] / len(names), "%",
                                  baseline=None if base is None else 100 * base / len(names),
                                  higher_is_better=key in OUTCOMES[:2]))

        def right(unit, span) -> bool:
            expected = history.successor(span)
            return unit is None if expected is None else unit is not None and unit.id == expected.id

        ended = [i for i, (_, _, span) in enumerate(names) if span.valid_to < OLD_VALID_TO]
        ok = sum(1 for (_, _, span), r in zip(names, results) if right(r.unit, span))
        base_ok = sum(1 for (_, _, span), r in zip(names, base_results) if right(r.match, span))
        figures.append(Figure("history", "share led to the written unit's own 2025-06-30 unit (or to none when "
                                         "unknown)", 100 * ok / len(names), "%", baseline=100 * base_ok / len(names),
                              higher_is_better=True))
        ok_ended = sum(1 for i in ended if right(results[i].unit, names[i][2]))
        base_ended = sum(1 for i in ended if right(base_results[i].match, names[i][2]))
        figures.append(Figure("history", f"… of the {len(ended):,} names from spans that ended before 2025-06-30",
                              100 * ok_ended / max(len(ended), 1), "%",
                              baseline=100 * base_ended / max(len(ended), 1), higher_is_better=True))
        wrong = sum(1 for (_, _, span), r in zip(names, results) if r.unit is not None and not right(r.unit, span))
        figures.append(Figure("history", "share given a unit other than the written unit's own", 100 * wrong /
                              len(names), "%"))
        db.session.remove()
    return figures


if __name__ == "__main__":
    result = run(smoke="--smoke" in sys.argv)
    print(table(result))
