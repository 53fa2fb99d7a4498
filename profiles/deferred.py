"""Messages the platform writes now and shows later: import reports (`ImportJob.report`), an
import job's error, the readiness history. They are stored in a form that is rendered in the
language of whoever *reads* them, not of whoever (or whichever worker) wrote them.

A stored message (JSON) is one of:

- `{"id": msgid, "params": {...}}`: a Japanese msgid, marked in the code with `gettext_noop`
  (`N_`) so that the catalogues list it, and its parameters. A parameter is a literal (what a
  user wrote, a number, a key) or a stored message itself, or a list of either;
- `{"texts": {"ja": …, "en": …}}`: a message that only existed already translated (Django's own
  validation messages), rendered once per language when it was stored;
- a plain string: shown as it is (rows written before messages were stored this way, and text
  that is not the platform's own).

`Text` is the in-memory form: `str(text)` renders it in the active language, `text.stored` is
what goes into the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

__all__ = ["N_", "Text", "deferred", "from_validation_error", "render_message"]


def _language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _stored_param(value: Any) -> Any:
    if isinstance(value, Text):
        return value.stored
    if isinstance(value, Promise):  # a lazy label (a field's verbose name, a choice)
        return _texts(value)
    if isinstance(value, (list, tuple)):
        return [_stored_param(v) for v in value]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)


def _texts(message: Any, params: Mapping | None = None) -> dict:
    texts = {}
    for code in _language_codes():
        with translation.override(code):
            text = str(message)
            if params:
                text = text % {k: render_message(v) for k, v in params.items()}
            texts[code] = text
    return {"texts": texts}


class Text:
    """A message to be rendered in the reader's language: a Japanese msgid and its params. The
    msgid may also be a lazy translation (`gettext_lazy`, a message another module defines):
    it is then stored rendered in every language."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str | Promise, **params: Any) -> None:
        self.msgid = msgid
        self.params = {k: _stored_param(v) for k, v in params.items()}

    @property
    def stored(self) -> dict:
        if isinstance(self.msgid, Promise):
            return _texts(self.msgid, self.params)
        return {"id": self.msgid, "params": self.params} if self.params else {"id": self.msgid}

    def __str__(self) -> str:
        return render_message(self.stored)

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return self.stored == other.stored
        return str(self) == other

    def __hash__(self) -> int:
        return hash(str(self.msgid))


def deferred(msgid: str, **params: Any) -> dict:
    """The stored form of `msgid % params` (msgid marked with `N_` where it is written)."""
    return Text(msgid, **params).stored


def from_validation_error(error: ValidationError) -> list[dict]:
    """Every message of a (possibly nested) ValidationError in stored form. A plain string
    message is taken to be a msgid (services raise their messages in the source language when
    the caller asks them to, see `profiles.services.imports.csv`); a lazy one (Django's own) is
    rendered in every language."""
    out = []
    for item in error.error_list if hasattr(error, "error_list") else [error]:
        message, params = item.message, item.params
        if isinstance(message, Promise):
            out.append(_texts(message, params))
        elif params:
            out.append(Text(str(message), **params).stored)
        else:
            out.append({"id": str(message)})
    return out


def _render_param(value: Any, language: str) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value  # for %(n)d and %(n)s alike
    if isinstance(value, list):
        separator = "、" if language == "ja" else ", "
        return separator.join(_render_param(v, language) for v in value)
    return render_message(value)


def render_message(stored: Any, *, language: str | None = None) -> str:
    """A stored message in `language` (default: the active language)."""
    if stored is None:
        return ""
    if isinstance(stored, Text):
        stored = stored.stored
    if isinstance(stored, Promise):
        return str(stored)
    if not isinstance(stored, Mapping):
        return str(stored)
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if "texts" in stored:
        texts = stored["texts"] or {}
        text = texts.get(code) or texts.get(settings.LANGUAGE_CODE)
        return str(text or next(iter(texts.values()), ""))
    msgid = str(stored.get("id", ""))
    with translation.override(code):
        template = gettext(msgid) if msgid else ""
        params = stored.get("params") or {}
        if not params:
            return template
        try:
            return template % {k: _render_param(v, code) for k, v in params.items()}
        except (KeyError, TypeError, ValueError):
            return template
