"""Configuration: defaults, then the environment (IPREG_*), then explicit overrides.

Every setting an operator may change is read from an ``IPREG_`` variable so that a provincial deployment
needs no edited files; tests pass a mapping to ``create_app`` instead.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_GEODATA = PROJECT_ROOT.parent / "shared" / "geodata"
LOCAL_GEODATA = PROJECT_ROOT / "geodata" / "cache"


def default_geodata_dir() -> Path:
    """Where boundary files are read from when IPREG_GEODATA is not set."""
    env = os.environ.get("IPREG_GEODATA")
    if env:
        return Path(env)
    return SHARED_GEODATA if SHARED_GEODATA.is_dir() else LOCAL_GEODATA


def default_instance_dir() -> Path:
    return Path(os.environ.get("IPREG_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()


def read_or_create_secret(instance_dir: Path) -> str:
    """Return the instance secret, generating it on first run so no deployment shares a default key."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def build_config(instance_dir: Path) -> dict:
    """Defaults overlaid with the environment; the caller overlays test settings last."""
    database_url = os.environ.get("IPREG_DATABASE_URL") or f"sqlite:///{instance_dir / 'ipreg.sqlite'}"
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # JSON columns keep Vietnamese as UTF-8, not \u escapes: a third of the size, and faster.
        "SQLALCHEMY_ENGINE_OPTIONS": {"json_serializer": lambda obj: json.dumps(obj, ensure_ascii=False)},
        "SECRET_KEY": os.environ.get("IPREG_SECRET_KEY") or None,
        "IPREG_GEODATA": str(default_geodata_dir()),
        "IPREG_CACHE_DIR": os.environ.get("IPREG_CACHE_DIR", str(PROJECT_ROOT / "geodata" / "cache" / "derived")),
        # Uploads and imports: the request limit is enforced by Werkzeug before a handler reads the body.
        "MAX_CONTENT_LENGTH": int(os.environ.get("IPREG_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
        "IPREG_MAX_ROWS": int(os.environ.get("IPREG_MAX_ROWS", 20_000)),
        "IPREG_MAX_CELL_CHARS": int(os.environ.get("IPREG_MAX_CELL_CHARS", 2_000)),
        "IPREG_PUBLIC_READ": _env_bool("IPREG_PUBLIC_READ", False),
        "IPREG_ALLOW_FUTURE_EFFECTIVE": _env_bool("IPREG_ALLOW_FUTURE_EFFECTIVE", False),
        "IPREG_RUN_JOBS_INLINE": _env_bool("IPREG_RUN_JOBS_INLINE", False),
        # A worker renews its job's lease every third of this; a job whose lease ran out had a dead worker.
        "IPREG_JOB_LEASE_SECONDS": float(os.environ.get("IPREG_JOB_LEASE_SECONDS", 30)),
        "IPREG_LOGIN_MAX_FAILURES": int(os.environ.get("IPREG_LOGIN_MAX_FAILURES", 5)),
        "IPREG_LOGIN_LOCK_SECONDS": int(os.environ.get("IPREG_LOGIN_LOCK_SECONDS", 300)),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("IPREG_SESSION_SECONDS", 8 * 3600)),
        "IPREG_API_TOKEN_DAYS": int(os.environ.get("IPREG_API_TOKEN_DAYS", 90)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("IPREG_HTTPS", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _env_bool("IPREG_HTTPS", False),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "WTF_CSRF_TIME_LIMIT": None,
        # An optional base map for offices that can reach a tile server: a Leaflet URL template
        # (https://…/{z}/{x}/{y}.png) and its attribution (plain text). None by default, so that the maps
        # make no request outside the app and work offline.
        "IPREG_TILE_URL": os.environ.get("IPREG_TILE_URL") or None,
        "IPREG_TILE_ATTRIBUTION": os.environ.get("IPREG_TILE_ATTRIBUTION", ""),
        # Behind a reverse proxy: how many proxies' X-Forwarded-* headers to believe (client address in the
        # audit log, https scheme). Default: one when IPREG_TRUSTED_PROXIES is set, else none.
        "IPREG_PROXY_HOPS": int(os.environ.get("IPREG_PROXY_HOPS", 1 if os.environ.get("IPREG_TRUSTED_PROXIES") else 0)),
    }
