"""Users, roles and what each role may do; provincial scope; API tokens. No Flask here."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.audit import audit
from ..core.clock import utcnow
from ..core.errors import N_, Conflict, IpregError, NotFound
from ..models import ApiToken, User
from ..models.user import ROLES

PERMISSIONS = {
    "admin": {"read", "read_flags", "comment", "review", "edit_records", "import", "batch", "rollback",
              "manage_users", "gazetteer", "audit", "jobs"},
    "ip_officer": {"read", "read_flags", "comment", "review", "edit_records", "jobs"},
    "provincial_staff": {"read", "read_flags", "comment"},
}
PUBLIC_PERMISSIONS = {"read"}
MIN_PASSWORD = 10
TOKEN_DAYS = 90  # an API token's life unless the deployment sets another (IPREG_API_TOKEN_DAYS)
_PROVINCE = re.compile(r"^\d{2}$")


def permissions(user: User | None, public_read: bool = False) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set(PUBLIC_PERMISSIONS) if public_read else set()
    return PERMISSIONS.get(user.role, set())


def scope_of(user: User | None) -> list[str] | None:
    """New province codes a user may see; None means every province."""
    if user is not None and getattr(user, "role", None) == "provincial_staff":
        return user.province_codes
    return None


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise IpregError(N_("The password must have at least %(n)d characters."), n=MIN_PASSWORD)


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def _provinces(codes: list[str] | str | None, valid: set[str]) -> str:
    items = codes.split(",") if isinstance(codes, str) else list(codes or [])
    items = [c.strip() for c in items if c.strip()]
    for code in items:
        if not _PROVINCE.match(code) or code not in valid:
            raise IpregError(N_("%(code)s is not the code of a province from 2025-07-01."), code=code)
    return ",".join(sorted(set(items)))


def create_user(session: Session, username: str, role: str, *, password: str | None = None,
                provinces: list[str] | str | None = None, valid_provinces: set[str], actor: str | None,
                lang: str = "vi") -> tuple[User, str | None]:
    """Create a user; without a password a one-time password is generated, returned, and must be changed."""
    username = (username or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9._-]{3,80}", username):
        raise IpregError(N_("A user name has 3 to 80 letters, digits, dots, dashes or underscores."))
    if role not in ROLES:
        raise IpregError(N_("Unknown role %(role)s: use admin, ip_officer or provincial_staff."), role=role)
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(N_("The user %(name)s already exists."), name=username)
    codes = _provinces(provinces, valid_provinces)
    if role == "provincial_staff" and not codes:
        raise IpregError(N_("A provincial user needs at least one province (codes from 2025-07-01)."))
    generated = None
    if password is None:
        password = generated = one_time_password()
    else:
        check_password_strength(password)
    user = User(username=username, password_hash=generate_password_hash(password), role=role, provinces=codes,
                active=True, lang=lang, created_at=utcnow(), must_change_password=generated is not None)
    session.add(user)
    session.flush()
    audit(session, actor, "user.create", object_type="user", object_id=username,
          after={"role": role, "provinces": codes})
    return user, generated


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        raise NotFound(N_("No user %(name)s."), name=username)
    return user


def reviewers(session: Session) -> list[User]:
    """The active users a flag can be assigned to (officers and administrators), by name."""
    return list(session.scalars(select(User).where(User.active.is_(True), User.role != "provincial_staff")
                                .order_by(User.username)))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def api_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def set_role(session: Session, user: User, role: str, provinces, valid_provinces: set[str], actor: str | None) -> None:
    if role not in ROLES:
        raise IpregError(N_("Unknown role %(role)s: use admin, ip_officer or provincial_staff."), role=role)
    before = {"role": user.role, "provinces": user.provinces}
    codes = _provinces(provinces, valid_provinces) if provinces is not None else user.provinces
    if role == "provincial_staff" and not codes:
        raise IpregError(N_("A provincial user needs at least one province (codes from 2025-07-01)."))
    user.role, user.provinces = role, codes
    user.auth_epoch += 1  # sessions of the old role end
    audit(session, actor, "user.set_role", object_type="user", object_id=user.username, before=before,
          after={"role": role, "provinces": codes})


def _revoke_tokens(session: Session, user: User) -> None:
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))):
        token.revoked_at = utcnow()


def disable_user(session: Session, user: User, actor: str | None) -> None:
    user.active = False
    user.auth_epoch += 1
    _revoke_tokens(session, user)
    audit(session, actor, "user.disable", object_type="user", object_id=user.username)


def log_out(session: Session, user: User, remote_addr: str | None = None) -> None:
    """End the user's sessions on the server, not only in this browser.

    A session lives in a signed cookie: clearing it here does not stop a copy of it. Moving the epoch that
    every session carries makes every copy, and the user's sessions in other browsers, refused.
    """
    user.auth_epoch += 1
    audit(session, user.username, "auth.logout", remote_addr=remote_addr)


def authenticate(session: Session, username: str, password: str, *, max_failures: int, lock_seconds: int,
                 remote_addr: str | None = None) -> User | None:
    """The user if the password is right and the account is open; failures count toward a lock-out."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    now = utcnow()
    if user is None:
        check_password_hash(generate_password_hash("x"), password or "")  # same time as a real check
        audit(session, username, "auth.login", outcome="denied", remote_addr=remote_addr,
              after={"reason": "unknown user"})
        return None
    if user.locked_until and user.locked_until > now:
        audit(session, user.username, "auth.login", outcome="denied", remote_addr=remote_addr,
              after={"reason": "locked"})
        return None
    if not user.active or not check_password_hash(user.password_hash, password or ""):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(seconds=lock_seconds)
            user.failed_logins = 0
        audit(session, user.username, "auth.login", outcome="denied", remote_addr=remote_addr,
              after={"reason": "inactive" if not user.active else "password"})
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit(session, user.username, "auth.login", remote_addr=remote_addr)
    return user


def change_password(session: Session, user: User, old: str, new: str) -> None:
    if not check_password_hash(user.password_hash, old or ""):
        raise IpregError(N_("The current password is not right."))
    check_password_strength(new)
    user.password_hash = generate_password_hash(new)
    user.must_change_password = False
    user.auth_epoch += 1  # every other session of this user ends
    _revoke_tokens(session, user)  # a token taken with the old password must not outlive it
    audit(session, user.username, "user.password", object_type="user", object_id=user.username)


def issue_token(session: Session, user: User, name: str, days: int = TOKEN_DAYS) -> str:
    """A new API token valid for ``days``; only its hash is stored, the token is shown once.

    A token that never expires is a password that is never changed: a copy left in a script or a log works
    for ever. Every token ends, and a password change revokes them all.
    """
    if not 1 <= days <= 3650:
        raise IpregError(N_("An API token lives from 1 to 3,650 days."))
    token = "ipr_" + secrets.token_urlsafe(32)
    now = utcnow()
    session.add(ApiToken(user_id=user.id, name=name[:80] or "token", token_hash=hashlib.sha256(token.encode()).hexdigest(),
                         created_at=now, expires_at=now + timedelta(days=days)))
    audit(session, user.username, "token.create", object_type="user", object_id=user.username,
          after={"name": name, "days": days})
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest(),
                                                ApiToken.revoked_at.is_(None)))
    now = utcnow()
    if row is None or not row.user.active or row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=10):
        row.last_used_at = now  # written at most every ten minutes: reads stay reads
    return row.user


def revoke_token(session: Session, token_id: int, by: User) -> None:
    """Revoke a token: its owner or an admin may."""
    row = session.get(ApiToken, token_id) if token_id else None
    if row is None or (row.user_id != by.id and by.role != "admin"):
        raise NotFound(N_("No such token."))
    row.revoked_at = utcnow()
    audit(session, by.username, "token.revoke", object_type="token", object_id=token_id)
