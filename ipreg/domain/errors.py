"""Errors the domain raises for bad input; adapters turn them into exit code 2 or a 4xx response.

Messages are English msgids with ``%(name)s`` placeholders, marked with ``N_`` so that Babel extracts them;
the web layer translates them (Vietnamese by default) and the CLI prints them as they are.
"""
from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext marker name Babel looks for
    """Mark a message for translation without translating it here (the domain has no locale)."""
    return message


class IpregError(Exception):
    """Bad input or a refused operation, with a message meant for the user (no traceback)."""

    status = 400

    def __init__(self, msgid: str, *, details: dict | list | None = None, **params):
        self.msgid = msgid
        self.params = params
        self.message = msgid % params if params else msgid
        self.details = details
        super().__init__(self.message)


class NotFound(IpregError):
    status = 404


class Conflict(IpregError):
    """Someone else changed the object since it was read (optimistic locking), or a rule forbids a repeat."""

    status = 409


class Forbidden(IpregError):
    status = 403
