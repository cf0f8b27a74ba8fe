"""HTTP load against ``ipreg serve`` on 20,000 records: p50/p99 alone and while long jobs run.

The server runs in its own process group (gunicorn workers and the job worker); the client is a second
process on loopback issuing a bounded number of concurrent requests: search, record page, record JSON and a
province map layer. Then the same load while jobs run back to back through the web pages, on the server's job
worker: full flag runs, then 5,000-row re-assignment uploads (preview, apply and roll back as jobs).
Targets: during the jobs p99 ≤ 5 × p50 (of the same endpoint alone) and 0 errors.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from common import Figure, app_for, fresh_instance, ipreg, table
from generate import import_generated

PASSWORD = "load test passphrase"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(env: dict, n: int) -> dict:
    """Records, flags, a user; returns what the client needs (ids, a token)."""
    app = app_for(env)
    from sqlalchemy import select

    from ipreg.accounts.users import create_user, get_user, issue_token
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Registration
    from ipreg.reform.engine import run_registry

    sys.path.insert(0, str(Path(__file__).parent))
    from upload import reassignment_csv

    with app.app_context():
        gaz = get_gazetteer(db.session)
        import_generated(db.session, gaz, n)
        run_registry(db.session)
        provinces = {u.code for u in gaz.units.values() if u.vintage == "new" and u.level == "province"}
        create_user(db.session, "loader", "ip_officer", password=PASSWORD, valid_provinces=provinces, actor="bench")
        create_user(db.session, "boss", "admin", password=PASSWORD, valid_provinces=provinces, actor="bench")
        token = issue_token(db.session, get_user(db.session, "loader"), "load")
        db.session.commit()
        records = db.session.execute(select(Registration.internal_id, Registration.reg_no)
                                     .where(Registration.kind == "GI").limit(500)).all()
        upload_file = Path(env["IPREG_INSTANCE_PATH"]) / "reassign.csv"
        data, count = reassignment_csv(db.session, gaz, 5000 if n >= 20_000 else n // 4)
        upload_file.write_bytes(data)
        db.session.remove()
        db.engine.dispose()
    return {"token": token, "records": [tuple(r) for r in records], "upload": str(upload_file), "count": count}


def _logged_in(base: str, username: str) -> tuple[requests.Session, str]:
    """A browser-like session of ``username`` and its CSRF token."""
    session = requests.Session()
    page = session.get(f"{base}/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(f"{base}/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf},
                            allow_redirects=False)
    assert response.status_code == 302, f"log-in of {username} failed"
    page = session.get(f"{base}/records/").text  # log-in starts a new session: a new CSRF token
    return session, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


class JobDriver(threading.Thread):
    """Keeps one kind of long job running on the server, back to back, through the web pages an officer or
    admin uses (the job worker of ``ipreg serve`` runs them), until stopped."""

    def __init__(self, base: str, username: str, start):
        super().__init__(daemon=True)
        self.base, self.username, self.start_job = base, username, start
        self.stop, self.done, self.failures = threading.Event(), 0, []

    def run(self) -> None:
        session, csrf = _logged_in(self.base, self.username)
        while not self.stop.is_set():
            try:
                job_url, after = self.start_job(session, csrf, self.base, self.done)
                give_up = time.monotonic() + 300
                while True:
                    status = session.get(f"{self.base}{job_url}.json").json()["status"]
                    if status in ("done", "failed"):
                        break
                    if time.monotonic() > give_up:  # a worker that died leaves its jobs queued
                        self.failures.append(f"{job_url} still {status} after 300 s")
                        return
                    time.sleep(0.2)
                if status == "failed":
                    self.failures.append(job_url)
                after()
                self.done += 1
            except (requests.RequestException, AssertionError, KeyError) as exc:
                self.failures.append(repr(exc))
                return


def _flag_run(session, csrf, base, _k):
    response = session.post(f"{base}/review/run", data={"csrf_token": csrf, "full": "1"}, allow_redirects=False)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"], lambda: None


def _upload(upload: bytes, count: int):
    """Upload a re-assignment file (a new note each time, so a new file), apply it as a job, roll it back."""
    def start(session, csrf, base, k):
        data = upload.replace(b",benchmark", f",benchmark run {k}".encode())
        preview = session.post(f"{base}/admin/batches", data={"csrf_token": csrf},
                               files={"file": (f"reassign-{k}.csv", data, "text/csv")}, allow_redirects=False)
        assert preview.status_code == 302, preview.text[:500]
        batch_url = preview.headers["Location"]
        if batch_url.startswith("/jobs/"):  # a large file is previewed by a job: wait for its batch
            job = _finished(session, base + batch_url)
            assert job["status"] == "done" and job["result"].get("batch"), job
            batch_url = f"/admin/batches/{job['result']['batch']}"
        applied = session.post(f"{base}{batch_url}/apply", data={"csrf_token": csrf, "confirm": str(count)},
                               allow_redirects=False)
        assert applied.status_code == 302, applied.text[:500]

        def roll_back():  # a job too: wait for it, so that the next upload previews the restored records
            back = session.post(f"{base}{batch_url}/rollback", data={"csrf_token": csrf, "reason": "benchmark"},
                                allow_redirects=False)
            assert back.status_code == 302, back.text[:500]
            _finished(session, base + back.headers["Location"])
        return applied.headers["Location"], roll_back
    return start


def _finished(session, job_url: str) -> dict:
    """Poll a job's status until it ends (the job page's own JSON)."""
    while (job := session.get(f"{job_url}.json").json())["status"] not in ("done", "failed"):
        time.sleep(0.2)
    return job


def _client(base: str, info: dict, seconds: float, concurrency: int = os.cpu_count() or 2
            ) -> dict[str, list[float]]:
    """Requests from ``concurrency`` threads (one per core: the load keeps the server busy without queueing
    behind itself, so that what the jobs add is what shows), each endpoint in turn, for ``seconds``."""
    session, _csrf = _logged_in(base, "loader")
    province_page = session.get(f"{base}/maps/provinces/new/24").text
    layers = sorted({u.replace("&amp;", "&").replace("\\u0026", "&").replace("&download=1", "")
                     for u in re.findall(r'(/maps/layers\.geojson\?[^"\']+)', province_page)})
    assert layers, "no map layer found on the province page"
    records = info["records"]
    auth = {"Authorization": f"Bearer {info['token']}"}
    words = ["che", "ca phe", "buoi", "mat ong", "vai thieu", "gao"]
    kinds = {
        "search": lambda i: session.get(f"{base}/records/", params={"q": words[i % len(words)]}),
        "record page": lambda i: session.get(f"{base}/records/{records[i % len(records)][0]}"),
        "record JSON": lambda i: session.get(f"{base}/api/v1/records/GI/{records[i % len(records)][1]}", headers=auth),
        "province layer": lambda i: session.get(base + layers[i % len(layers)]),
    }
    times: dict[str, list[float]] = {k: [] for k in kinds}
    times["errors"] = []
    failures: list[str] = []
    deadline = time.monotonic() + seconds

    def one(i: int) -> None:
        name = list(kinds)[i % len(kinds)]
        start = time.perf_counter()
        try:
            response = kinds[name](i)
            ok = response.status_code == 200
            reason = f"{name}: HTTP {response.status_code}"
        except requests.RequestException as exc:
            ok, reason = False, f"{name}: {type(exc).__name__}"
        (times[name] if ok else times["errors"]).append(time.perf_counter() - start)
        if not ok:
            failures.append(reason)

    with ThreadPoolExecutor(concurrency) as pool:
        i = 0
        while time.monotonic() < deadline:
            list(pool.map(one, range(i, i + concurrency * 4)))
            i += concurrency * 4
    if failures:
        print(f"errors: {sorted(set(failures))[:10]}", file=sys.stderr)
    return times


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def run(smoke: bool = False) -> list[Figure]:
    n = 2_000 if smoke else 20_000
    seconds = 5 if smoke else 20
    env = fresh_instance()
    ipreg("init", env=env)
    info = _prepare(env, n)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    exe = Path(sys.executable).with_name("ipreg")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port), "--workers", "5", "--threads", "1"],
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    figures = []
    try:
        for _ in range(60):
            try:
                if requests.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        _client(base, info, 3 if smoke else 10)  # warm-up: every worker loads the gazetteer and map layers
        alone = _client(base, info, seconds)
        upload = Path(info["upload"]).read_bytes()
        jobs = {
            "flag runs": ("loader", _flag_run),
            f"{info['count']:,}-row uploads": ("boss", _upload(upload, info["count"])),
        }
        during, driven = {}, {}
        for label, (username, start) in jobs.items():
            driver = JobDriver(base, username, start)
            driver.start()
            during[label] = _client(base, info, seconds)
            driver.stop.set()
            driver.join(600)
            assert not driver.failures, driver.failures[:3]
            driven[label] = driver.done
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    for name in ("search", "record page", "record JSON", "province layer"):
        p50, p99 = _p(alone[name], 0.5), _p(alone[name], 0.99)
        figures.append(Figure("load", f"{name} alone: p50 ({len(alone[name])} requests)", p50, "ms"))
        figures.append(Figure("load", f"{name} alone: p99", p99, "ms"))
        for label, times in during.items():
            job_p50, job_p99 = _p(times[name], 0.5), _p(times[name], 0.99)
            figures.append(Figure("load", f"{name} during {label} ({driven[label]} jobs): p50 {job_p50:.0f} ms, "
                                          f"p99 {job_p99:.0f} ms ({len(times[name])} requests); p99 ÷ p50 alone",
                                  job_p99 / p50, "×", "≤ 5", job_p99 <= 5 * p50))
    errors = len(alone["errors"]) + sum(len(t["errors"]) for t in during.values())
    figures.append(Figure("load", "errors (all phases)", errors, "requests", "0", errors == 0))
    return figures


if __name__ == "__main__":
    result = run(smoke="--smoke" in sys.argv)
    print(table(result))
    print(json.dumps({"note": "baseline column = p50 of the same endpoint alone"}))
