"""Errors the domain raises for bad input; adapters turn them into exit code 2 or a 4xx response.

Messages are English msgids with ``%(name)s`` placeholders, marked with ``N_`` so that Babel extracts them;
the web layer translates them (Vietnamese by default) and the CLI prints them as they are.
"""
from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext marker name Babel looks for
    """Mark a message for translation without translating it here (the domain has no locale)."""
    return message


class Message(str):
    """English text that remembers its msgid and params, so that the web layer can show it translated.

    It is a ``str`` (the English text), so the CLI, JSON output and comparisons see plain text; params may
    be Messages themselves (a word such as "old" inside a sentence), and ``Message.join`` keeps the parts of
    a list. The web layer translates with ``ipreg.web.errors.translate``.
    """

    msgid: str | None
    params: dict
    parts: tuple = ()
    sep: str = ""

    def __new__(cls, msgid: str, /, **params):
        obj = super().__new__(cls, msgid % params if params else msgid)
        obj.msgid, obj.params = msgid, params
        return obj

    @classmethod
    def join(cls, sep: str, parts) -> "Message":
        parts = tuple(parts)
        obj = super().__new__(cls, sep.join(parts))
        obj.msgid, obj.params, obj.parts, obj.sep = None, {}, parts, sep
        return obj

    def __reduce__(self):
        if self.msgid is None:
            return (Message.join, (self.sep, self.parts))
        return (_message, (self.msgid, self.params))


def _message(msgid: str, params: dict) -> Message:
    return Message(msgid, **params)


_VINTAGE_WORDS = {"old": N_("old"), "new": N_("new")}


def vintage_word(vintage: str) -> Message | str:
    """The word for a vintage inside a sentence ("No old unit has code …"), translated with it on the web."""
    return Message(_VINTAGE_WORDS[vintage]) if vintage in _VINTAGE_WORDS else vintage


def plain_params(params: dict) -> dict:
    """Params as JSON can store them (a stored message is translated later; a nested ``Message`` stays English)."""
    return {k: v if isinstance(v, (str, int, float, bool, type(None))) else str(v) for k, v in params.items()}


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
