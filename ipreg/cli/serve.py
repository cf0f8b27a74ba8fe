"""``ipreg serve`` (gunicorn and a supervised job worker), ``ipreg worker``, ``ipreg jobs``, ``ipreg backup``."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.exc import OperationalError

from ..core.errors import N_, IpregError
from ..extensions import db
from ..actions.jobs import job_state, recent_jobs
from ..jobs.handlers import HANDLERS
from ..jobs.queue import claim_next, job_dict, owner_id, run_job, sqlite_checkpoint
from .common import domain_errors, echo_json, echo_table, json_option, operator


def work(engine, *, owner: str, lease_seconds: float, once: bool = False, idle: float = 1.0) -> int:
    """Run queued jobs one after another; return how many ran."""
    ran = 0
    while True:
        try:
            job_id = claim_next(engine, owner, lease_seconds)
            if job_id is None:
                if once:
                    return ran
                time.sleep(idle)
                continue
            job = run_job(engine, job_id, HANDLERS, owner=owner, lease_seconds=lease_seconds)
            sqlite_checkpoint(engine)
        except OperationalError as exc:  # a database busy or restarting must not end the worker
            click.echo(f"worker: {exc.orig or exc}; trying again", err=True)
            time.sleep(idle)
            continue
        click.echo(f"job {job.id} {job.kind}: {job.status}{' — ' + job.message if job.message else ''}")
        ran += 1


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the queued jobs, then stop.")
@click.option("--nice", default=10, show_default=True, type=click.IntRange(0, 19),
              help="Lower the worker's CPU priority by this much, so that web requests come first.")
@with_appcontext
def worker_command(once: bool, nice: int) -> None:
    """Run background jobs (flag runs, imports, batch previews and applies, gazetteer loads)."""
    if nice and hasattr(os, "nice"):
        os.nice(nice)  # long jobs yield the CPU to the officers' requests (their p99 stays near p50)
    count = work(db.engine, owner=owner_id(), lease_seconds=current_app.config["IPREG_JOB_LEASE_SECONDS"],
                 once=once)
    if once:
        click.echo(f"{count} jobs run.")


def supervise(start: Callable[[], subprocess.Popen], stop: threading.Event, *, first_delay: float = 1.0,
              max_delay: float = 60.0, healthy_after: float = 60.0, poll: float = 0.5,
              log: Callable[[str], None] = lambda line: click.echo(line, err=True)) -> int:
    """Keep one child process running until ``stop`` is set; return how many times it was restarted.

    A child that dies is started again after a delay that doubles while it keeps dying quickly (a worker
    that cannot reach its database must not spin), and starts again from ``first_delay`` once a child has
    lived ``healthy_after`` seconds. The jobs the dead child held end when their leases expire.
    """
    delay, restarts = first_delay, 0
    child, born = start(), time.monotonic()
    try:
        while not stop.wait(poll):
            code = child.poll()
            if code is None:
                continue
            if time.monotonic() - born >= healthy_after:
                delay = first_delay
            log(f"job worker (pid {child.pid}) stopped with exit code {code}; starting another in {delay:g} s")
            if stop.wait(delay):
                break
            child, born = start(), time.monotonic()
            restarts += 1
            log(f"job worker restarted (pid {child.pid})")
            delay = min(delay * 2, max_delay)
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return restarts


def start_worker() -> subprocess.Popen:
    """A separate process, not a fork: gunicorn's workers must not inherit it."""
    return subprocess.Popen([sys.executable, "-c", "from ipreg.cli import main; main(['worker'])"])


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, help="Web worker processes (default: 2 × CPU + 1, at most 8).")
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per web worker.")
@click.option("--no-worker", is_flag=True, help="Do not start the background job worker.")
@with_appcontext
def serve_command(host: str, port: int, workers: int | None, threads: int, no_worker: bool) -> None:
    """Serve ipreg with gunicorn (production WSGI server) and a background job worker."""
    from gunicorn.app.base import BaseApplication  # noqa: PLC0415

    from .. import create_app  # noqa: PLC0415

    workers = workers or min(8, 2 * (os.cpu_count() or 1) + 1)

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "timeout": 120, "graceful_timeout": 30,
                               "accesslog": "-", "forwarded_allow_ips": os.environ.get("IPREG_TRUSTED_PROXIES",
                                                                                       "127.0.0.1")}.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app()

    stop, supervisor = threading.Event(), None
    if not no_worker:
        supervisor = threading.Thread(target=supervise, args=(start_worker, stop), name="job-worker-supervisor",
                                      daemon=True)
        supervisor.start()
    click.echo(f"ipreg on http://{host}:{port} ({workers} workers × {threads} threads"
               f"{', with a supervised job worker' if supervisor else ''})")
    try:
        Server().run()
    finally:
        stop.set()
        if supervisor is not None:
            supervisor.join(timeout=15)


@click.group("jobs", cls=AppGroup)
def jobs() -> None:
    """Background jobs and their progress."""


@jobs.command("list")
@json_option
def list_jobs(as_json: bool) -> None:
    rows = [job_dict(j) for j in recent_jobs(operator(), 50)]
    if as_json:
        echo_json(rows)
        return
    echo_table([("id", "ID"), ("kind", "KIND"), ("status", "STATUS"), ("progress", "PROGRESS"), ("message", "MESSAGE")],
               [r | {"progress": f"{r['percent']}%"} for r in rows])


@jobs.command("watch")
@click.argument("job_id", type=int)
@click.option("--interval", default=1.0, show_default=True, type=float, help="Seconds between looks.")
@domain_errors
def watch_job(job_id: int, interval: float) -> None:
    """Follow one job with a progress bar until it has finished (exit 1 if it failed).

    A job whose worker died ends when its lease expires, and the watch with it.
    """
    ctx = operator()
    job = job_state(ctx, job_id)
    if job is None:
        raise IpregError(N_("No job %(id)s."), id=job_id)
    with click.progressbar(length=100, label=f"job {job_id} {job.kind}", show_percent=True) as bar:
        shown = 0
        while True:
            job = job_state(ctx, job_id)
            bar.update(job.percent - shown)
            shown = job.percent
            if job.status in ("done", "failed"):
                break
            time.sleep(interval)
    click.echo(f"job {job_id}: {job.status}{' — ' + job.message if job.message else ''}")
    if job.status == "failed":
        raise SystemExit(1)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
@domain_errors
def backup_command(target: Path) -> None:
    """Copy the SQLite database while the app runs (SQLite online backup). For PostgreSQL use pg_dump."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.UsageError("ipreg backup copies SQLite databases; for PostgreSQL use pg_dump (see README).")
    source = sqlite3.connect(url.database)
    destination = sqlite3.connect(target)
    with destination:
        source.backup(destination)
    destination.close()
    source.close()
    click.echo(f"Backed up {url.database} to {target}.")

