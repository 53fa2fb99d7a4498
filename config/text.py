"""One rule for every piece of text a person or a client sends: no control characters.

Tab, line feed and carriage return are text; every other C0 control character (NUL, ESC, …)
and DEL are refused with a clear message, by the API fields (`config.api_fields`) and the page
forms (`profiles.forms.CleanTextMixin`) alike. PostgreSQL cannot store NUL, and the others only
ever come from binary data or attacks on terminals and spreadsheets.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE = _("使用できない制御文字が含まれています。")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def validate_text(value) -> None:
    """A Django/DRF validator: refuses strings that contain control characters."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(MESSAGE, code="control_characters")
