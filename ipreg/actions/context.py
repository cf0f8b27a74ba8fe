"""Who is acting, and the transaction an action owns.

A ``Context`` carries the session and the acting user (``None`` for the anonymous public or the command line's
operator, see ``system``); ``require`` refuses an action the user's role does not allow, whatever adapter
called it, so that a new route or command cannot forget the check.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..accounts.users import permissions, scope_of
from ..core.errors import N_, Forbidden
from ..models import User

OPERATOR = "operator"  # the command line: whoever runs `ipreg` on the server may do everything


@dataclass
class Context:
    session: Session
    user: User | None
    public_read: bool = False
    operator: str | None = None  # the name the command line writes in the audit log ("cli", "ipreg init")

    @property
    def actor(self) -> str | None:
        return self.user.username if self.user is not None else self.operator

    @property
    def scope(self) -> list[str] | None:
        """New province codes the user may see; None for everything (officers, admins, the operator)."""
        return scope_of(self.user)

    def can(self, permission: str) -> bool:
        if self.user is None and self.operator is not None:
            return True
        return permission in permissions(self.user, self.public_read)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(N_("You are not allowed to do this (%(permission)s)."), permission=permission)


def system(session: Session, name: str = "cli") -> Context:
    """The command line's context: the server's operator, audited under ``name``."""
    return Context(session, None, operator=name)


@contextmanager
def transaction(ctx: Context) -> Iterator[Session]:
    """Commit what the block wrote, or roll all of it back when it raises: an action is all or nothing."""
    try:
        yield ctx.session
        ctx.session.commit()
    except BaseException:
        ctx.session.rollback()
        raise
