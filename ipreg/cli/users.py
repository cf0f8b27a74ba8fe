"""``ipreg users create|list|disable|set-role`` and the first administrator."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..actions import accounts as actions
from ..models.user import ROLES
from .common import domain_errors, echo_json, echo_table, json_option, operator


def ensure_first_admin() -> str | None:
    """Create the user 'admin' with a printed one-time password when there is no user yet."""
    return actions.ensure_first_admin(operator("ipreg init"))


def announce_admin(password: str | None) -> None:
    if password:
        click.echo("First administrator created: user 'admin', one-time password "
                   f"{password} (it must be changed at the first log-in).")


@click.group("users", cls=AppGroup)
def users() -> None:
    """Manage users and their roles."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--province", "provinces", multiple=True, help="New province code (provincial staff); repeatable.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of "
                                                      "generating a one-time password.")
@json_option
@domain_errors
def create(username: str, role: str, provinces: tuple[str, ...], password_stdin: bool, as_json: bool) -> None:
    """Create a user; prints a one-time password unless one is given on stdin."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    user, generated = actions.create_user(operator(), username, role, provinces=list(provinces), password=password)
    if as_json:
        echo_json({"username": user.username, "role": user.role, "provinces": user.province_codes,
                   "one_time_password": generated})
    else:
        click.echo(f"Created {user.username} ({user.role}).")
        if generated:
            click.echo(f"One-time password: {generated} (must be changed at the first log-in)")


@users.command("list")
@json_option
@domain_errors
def list_users(as_json: bool) -> None:
    rows = [{"username": u.username, "role": u.role, "provinces": u.province_codes, "active": u.active,
             "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None}
            for u in actions.list_users(operator())]
    if as_json:
        echo_json(rows)
        return
    echo_table([("username", "USER"), ("role", "ROLE"), ("provinces", "PROVINCES"), ("state", "STATE")],
               [r | {"provinces": ",".join(r["provinces"]), "state": "active" if r["active"] else "disabled"}
                for r in rows])


@users.command("disable")
@click.argument("username")
@domain_errors
def disable(username: str) -> None:
    """Disable a user: their sessions end and their API tokens are revoked."""
    actions.disable_user(operator(), username)
    click.echo(f"Disabled {username}.")


@users.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--province", "provinces", multiple=True, help="New province code; repeatable.")
@domain_errors
def set_role_command(username: str, role: str, provinces: tuple[str, ...]) -> None:
    actions.set_role(operator(), username, role, list(provinces) if provinces else None)
    click.echo(f"{username} is now {role}.")
