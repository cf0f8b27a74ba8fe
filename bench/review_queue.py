"""Review queue benchmark: one new province with about 2,000 open flags, its queue page as an officer opens it.

Data: records with generated names on real units: the districts and communes of the two old provinces that
became Tây Ninh (80) on 2025-07-01, Long An (80) and Tây Ninh (72). A GI managed by its district's People's
Committee (a high flag), a GI managed by Long An's Department of Science and Technology (high: the province
merged), collective marks of associations (re-wordings only: address and area); the real proportions of the
sample — a few high flags among many low ones.

Figures: the page (page 1 and a deep page, filtered by the province) through the app in this process, p50 and
p95 over 20 requests, its bytes and its records and flags; the baseline, in the same process on the same
data, is the queue as it was, one row per flag: its query and the words of its 50 flags (no rendering, which
flatters it), and the pages it takes to go through the province. Acknowledging the re-wordings of a page in
bulk is timed once. No target: the queue must stay one readable page of 50 records.
"""
from __future__ import annotations

import csv
import io
import random
import statistics
import sys
import time

from common import Figure, app_for, fresh_instance, ipreg, table

PROVINCE = "80"  # Tây Ninh from 2025-07-01: Long An (80) and Tây Ninh (72) before
OLD_PROVINCES = ("80", "72")
PRODUCTS = ["Chè", "Gạo", "Thanh long", "Dứa", "Mãng cầu", "Bánh tráng", "Muối ớt", "Khoai mì", "Đậu phộng",
            "Ấu", "Ổi", "Bưởi", "Ếch", "Dưa hấu", "Lúa", "Sen"]
HEADER = ["kind", "reg_no", "name", "product", "granted_on", "status", "holder", "holder_kind", "holder_unit",
          "manager", "manager_kind", "manager_unit", "area_units", "area_vintage", "notes"]


def province_csv(gaz, n: int, seed: int = 7) -> bytes:
    """``n`` records on the real units of the old provinces of Tây Ninh, with generated names."""
    rng = random.Random(seed)
    olds = [gaz.by_key[("old", code)] for code in OLD_PROVINCES]
    districts = [gaz.units[d] for p in olds for d in gaz.children[p.id] if gaz.children.get(d)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(n):
        district = rng.choice(districts)
        province = gaz.units[district.parent_id]
        communes = [gaz.units[c].code for c in gaz.children[district.id]]
        area = "; ".join(rng.sample(communes, min(len(communes), rng.randint(1, 12))))
        product = rng.choice(PRODUCTS)
        name = f"{product} {district.short_name} {i + 1}"
        draw = rng.random()
        if draw < 0.07:
            committee = f"Ủy ban nhân dân {district.type.lower()} {district.short_name}"
            parties = ["Nhà nước Việt Nam", "state", "", committee, "district_pc", district.code]
        elif draw < 0.12:
            parties = ["Nhà nước Việt Nam", "state", "", f"Sở Khoa học và Công nghệ tỉnh {province.short_name}",
                       "dost", province.code]
        else:
            parties = [f"Hội {product} {district.short_name}", "association", district.code, "", "", ""]
        kind = "GI" if parties[1] == "state" else "COLLECTIVE"
        writer.writerow([kind, f"{i + 1:06d}", name, product, "2015-06-01", "registered", *parties, area,
                         "2025-06-30", "generated on real units"])
    return out.getvalue().encode("utf-8")


def _requests(client, path: str, times: int = 20) -> tuple[list[float], bytes]:
    client.get(path)  # warm: the gazetteer snapshot and the templates
    seconds, body = [], b""
    for _ in range(times):
        start = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        body = response.data
    return seconds, body


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def _old_page_ms(session, offset: int, times: int = 20) -> float:
    """The queue as it was: 50 flags a page, one row each, with their words (the data only)."""
    from ipreg.reform.queries import FlagQuery, list_flags
    from ipreg.reform.views import payloads

    seconds = []
    for _ in range(times + 1):
        start = time.perf_counter()
        flags, _ = list_flags(session, FlagQuery(province=PROVINCE, limit=50, offset=offset))
        payloads(session, flags)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds[1:]) * 1000


def _new_page_ms(ctx, offset: int, times: int = 20) -> float:
    from ipreg.actions.review import queue_page
    from ipreg.reform.queries import FlagQuery

    seconds = []
    for _ in range(times + 1):
        start = time.perf_counter()
        queue_page(ctx, FlagQuery(province=PROVINCE, limit=50, offset=offset))
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds[1:]) * 1000


def _log_in(app, session):
    """An IP officer's client, logged in through the form as a person is."""
    import re

    from ipreg.accounts.users import create_user

    create_user(session, "bench.officer", "ip_officer", password="bench password 2025", valid_provinces=set(),
                actor="bench")
    session.commit()
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "bench.officer", "password": "bench password 2025", "csrf_token": token})
    return client


def _setup(app, n: int) -> dict:
    from sqlalchemy import func, select

    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Flag
    from ipreg.reform.engine import run_registry
    from ipreg.reform.queries import FlagQuery, _where
    from ipreg.registry.record_import import import_records

    session = db.session
    report = import_records(session, province_csv(get_gazetteer(session), n), "tay-ninh.csv", max_rows=n,
                            max_bytes=None)
    assert report.imported, report.as_dict()["errors"][:3]
    run_registry(session, actor="bench")
    session.commit()
    where = _where(FlagQuery(province=PROVINCE))
    from ipreg.models import Registration

    count = select(func.count()).select_from(Flag).join(Registration).where(where)
    records = select(func.count(func.distinct(Flag.registration_id))).select_from(Flag).join(Registration)
    return {"flags": session.scalar(count), "records": session.scalar(records.where(where)),
            "by_severity": dict(session.execute(select(Flag.severity, func.count()).join(Registration)
                                                .where(where).group_by(Flag.severity)).all())}


def _acknowledge_page(session) -> tuple[float, int]:
    """Acknowledge every re-wording of the first page of low flags, as the officer's bulk button does."""
    from ipreg.actions.context import system
    from ipreg.actions.review import acknowledge_many, queue_page
    from ipreg.reform.queries import FlagQuery

    ctx = system(session, "bench")
    page = queue_page(ctx, FlagQuery(province=PROVINCE, severity="low", limit=50))
    ids = [f.id for _, flags in page["records"] for f in flags]
    start = time.perf_counter()
    acknowledge_many(ctx, ids)
    return time.perf_counter() - start, len(ids)


def run(smoke: bool = False) -> list[Figure]:
    n = 200 if smoke else 900
    env = fresh_instance()
    ipreg("init", env=env)
    app = app_for(env)
    from ipreg.actions.context import system
    from ipreg.extensions import db

    figures = []
    with app.app_context():
        data = _setup(app, n)
        client = _log_in(app, db.session)
        pages_old, pages_new = -(-data["flags"] // 50), -(-data["records"] // 50)
        label = (f"{data['flags']:,} open flags on {data['records']:,} records of province {PROVINCE} "
                 f"({', '.join(f'{k} {v:,}' for k, v in sorted(data['by_severity'].items()))})")
        print(label, flush=True)
        deep = max(1, pages_new // 2)
        for page in (1, deep):
            seconds, body = _requests(client, f"/review/?province=new:{PROVINCE}&page={page}")
            lines = body.count(b'<tr tabindex="0" data-href=')
            chips = body.count(b'<input type="checkbox" name="flag"')
            old_ms = _old_page_ms(db.session, (page - 1) * 50)
            new_ms = _new_page_ms(system(db.session, "bench"), (page - 1) * 50)
            where = f"page {page} of {pages_new}"
            figures += [
                Figure("queue", f"{where}: server time p50 ({label})" if page == 1 else f"{where}: server time p50",
                       _p(seconds, 50), "ms"),
                Figure("queue", f"{where}: server time p95", _p(seconds, 95), "ms"),
                Figure("queue", f"{where}: response bytes", len(body) / 1000, "kB"),
                Figure("queue", f"{where}: records on the page (flags on it: {chips})", lines, "records",
                       "≤ 50", lines <= 50),
                Figure("queue", f"{where}: data of the page (query, words, counts), p50; baseline: 50 flags, one row "
                       "each", new_ms, "ms", baseline=old_ms)]
        figures.append(Figure("queue", "pages to go through the province (baseline: one row per flag)", pages_new,
                              "pages", baseline=pages_old))
        seconds, acknowledged = _acknowledge_page(db.session)
        figures.append(Figure("queue", f"acknowledge the re-wordings of one page ({acknowledged} flags, one audit "
                              "entry each)", seconds, "s"))
    return figures


if __name__ == "__main__":
    print(table(run(smoke="--smoke" in sys.argv)))
