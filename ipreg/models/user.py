"""Users, their roles and provincial scope, API tokens, and the append-only audit log."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from .base import Base

ROLES = ("admin", "ip_officer", "provincial_staff")


class User(Base):
    __tablename__ = "user_account"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(80), nullable=False, unique=True)
    password_hash = sa.Column(sa.String(255), nullable=False)
    role = sa.Column(sa.String(20), nullable=False)
    provinces = sa.Column(sa.String(200), nullable=False, default="")  # new province codes, comma-separated
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    lang = sa.Column(sa.String(5), nullable=False, default="vi")
    failed_logins = sa.Column(sa.Integer, nullable=False, default=0)
    locked_until = sa.Column(sa.DateTime)
    auth_epoch = sa.Column(sa.Integer, nullable=False, default=0)
    must_change_password = sa.Column(sa.Boolean, nullable=False, default=False)
    created_at = sa.Column(sa.DateTime, nullable=False)
    last_login_at = sa.Column(sa.DateTime)

    # The four members Flask-Login expects, written out so the models need no Flask import.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        # The epoch in the session id logs a user out everywhere when the password changes.
        return f"{self.id}:{self.auth_epoch}"

    @property
    def province_codes(self) -> list[str]:
        return [c for c in (self.provinces or "").split(",") if c]


class ApiToken(Base):
    __tablename__ = "api_token"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("user_account.id"), nullable=False, index=True)
    name = sa.Column(sa.String(80), nullable=False)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(sa.DateTime, nullable=False)
    expires_at = sa.Column(sa.DateTime, nullable=False)
    revoked_at = sa.Column(sa.DateTime)
    last_used_at = sa.Column(sa.DateTime)

    user = relationship("User", lazy="joined")


class AuditEntry(Base):
    """Append-only: database triggers (see the initial migration) refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"

    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(sa.DateTime, nullable=False, index=True)
    actor = sa.Column(sa.String(80))
    action = sa.Column(sa.String(60), nullable=False, index=True)
    object_type = sa.Column(sa.String(30))
    object_id = sa.Column(sa.String(80))
    before = sa.Column(sa.JSON)
    after = sa.Column(sa.JSON)
    document = sa.Column(sa.Text)
    outcome = sa.Column(sa.String(10), nullable=False, default="ok")
    remote_addr = sa.Column(sa.String(64))
