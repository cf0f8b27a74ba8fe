"""People's actions on their account (log in and out, language, password, API tokens) and the
administrator's on users. Each owns its transaction; a refused log-in is kept in the audit log."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError

from ..accounts import users as accounts
from ..core.audit import audit
from ..gazetteer.snapshot import get_gazetteer
from ..models import ApiToken, User
from .context import Context, transaction


def log_in(ctx: Context, username: str, password: str, *, max_failures: int, lock_seconds: int,
           remote_addr: str | None) -> User | None:
    """The user when the password is right and the account open; every attempt is audited (and kept)."""
    with transaction(ctx) as session:
        return accounts.authenticate(session, username, password, max_failures=max_failures,
                                     lock_seconds=lock_seconds, remote_addr=remote_addr)


def log_out(ctx: Context, remote_addr: str | None) -> None:
    if ctx.user is not None:
        with transaction(ctx) as session:
            accounts.log_out(session, ctx.user, remote_addr)


def set_language(ctx: Context, lang: str) -> None:
    """Keep a logged-in user's interface language as their preference."""
    user = ctx.user
    if user is None or user.lang == lang:
        return
    with transaction(ctx) as session:
        audit(session, user.username, "user.language", object_type="user", object_id=user.username,
              before={"lang": user.lang}, after={"lang": lang})
        user.lang = lang


def change_password(ctx: Context, old: str, new: str) -> None:
    """Change one's own password: every other session ends and every API token is revoked."""
    ctx.require("read")
    with transaction(ctx) as session:
        accounts.change_password(session, ctx.user, old, new)


def issue_token(ctx: Context, name: str, days: int) -> str:
    ctx.require("read")
    with transaction(ctx) as session:
        return accounts.issue_token(session, ctx.user, name, days=days)


def revoke_token(ctx: Context, token_id: int | None) -> None:
    ctx.require("read")
    with transaction(ctx) as session:
        accounts.revoke_token(session, token_id, ctx.user)


def my_tokens(ctx: Context) -> list[ApiToken]:
    ctx.require("read")
    return accounts.api_tokens(ctx.session, ctx.user)


def token_user(ctx: Context, token: str) -> User | None:
    """The user of an API token; its "last used" stamp is a courtesy, never a reason to fail a read."""
    user = accounts.user_for_token(ctx.session, token)
    if ctx.session.dirty:
        try:
            ctx.session.commit()
        except OperationalError:  # SQLite busy: the stamp waits for the next request
            ctx.session.rollback()
            user = accounts.user_for_token(ctx.session, token)
    return user


def new_province_codes(ctx: Context) -> set[str]:
    return {u.code for u in get_gazetteer(ctx.session).provinces("new")}


def list_users(ctx: Context) -> list[User]:
    ctx.require("manage_users")
    return accounts.list_users(ctx.session)


def create_user(ctx: Context, username: str, role: str, *, provinces=None, password: str | None = None
                ) -> tuple[User, str | None]:
    """Create a user; without a password a one-time password is generated and returned."""
    ctx.require("manage_users")
    with transaction(ctx) as session:
        return accounts.create_user(session, username, role, password=password, provinces=provinces,
                                    valid_provinces=new_province_codes(ctx), actor=ctx.actor)


def disable_user(ctx: Context, username: str) -> None:
    ctx.require("manage_users")
    with transaction(ctx) as session:
        accounts.disable_user(session, accounts.get_user(session, username), ctx.actor)


def set_role(ctx: Context, username: str, role: str, provinces=None) -> None:
    ctx.require("manage_users")
    with transaction(ctx) as session:
        accounts.set_role(session, accounts.get_user(session, username), role, provinces,
                          new_province_codes(ctx), ctx.actor)


def ensure_first_admin(ctx: Context) -> str | None:
    """Create the user 'admin' with a one-time password when there is no user yet; returns the password."""
    if accounts.has_users(ctx.session):
        return None
    _user, password = create_user(ctx, "admin", "admin")
    return password
