"""Fields and helpers every profiles form shares: keywords, TRL, text without control
characters, a service's ValidationError shown next to the fields it names, formset rows."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.text import MESSAGE as CONTROL_CHARACTERS_MESSAGE
from config.text import has_control_characters
from profiles.choices import TRL_MAX, TRL_MIN

KEYWORD_SPLIT = re.compile(r"[,、，;；\n]+")


class KeywordsField(forms.CharField):
    """Keywords typed as one line separated by commas or 、 (how IP offices write them)."""

    def __init__(self, **kw):
        kw.setdefault("required", False)
        kw.setdefault("max_length", 2000)
        kw.setdefault("help_text", _("カンマ (,) または読点 (、) で区切って入力します。"))
        super().__init__(**kw)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        out: list[str] = []
        for part in KEYWORD_SPLIT.split(text or ""):
            part = part.strip()
            if part and part not in out:
                out.append(part)
        if any(len(p) > 100 for p in out):
            raise ValidationError(_("キーワードは1つ100文字以内にしてください。"))
        return out


def _trl_choices():
    return [("", _("未設定")), *[(str(i), str(i)) for i in range(TRL_MIN, TRL_MAX + 1)]]


class TrlField(forms.TypedChoiceField):
    def __init__(self, **kw):
        kw.setdefault("required", False)
        super().__init__(choices=_trl_choices, coerce=int, empty_value=None, **kw)


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (others at the top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class CleanTextMixin:
    """Refuses control characters (NUL, ESC, …) in every text field and list of texts; the rule
    is `config.text`, the same as the API's."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            texts = value if isinstance(value, (list, tuple)) else [value]
            if any(isinstance(t, str) and has_control_characters(t) for t in texts):
                self.add_error(name, CONTROL_CHARACTERS_MESSAGE)
        return data


def formset_rows(formset) -> list[dict]:
    """The rows to keep: filled in, not marked for deletion (a blank patent row is skipped,
    whatever its licence checkbox says)."""
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.has_changed()
        and f.cleaned_data
        and not f.cleaned_data.get("DELETE")
        and not (hasattr(f, "is_blank") and f.is_blank())
    ]
