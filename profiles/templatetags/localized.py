"""Template filters that write platform values in the reader's language (`profiles.display`):

{% load localized %}
{{ amount|yen_amount }}            1,151億円 / ¥115.1 billion
{{ amount|yen_amount:"exact" }}    1,234,567円 / ¥1,234,567 (estimator lines that add up)
{{ need|budget_range }}            500万円〜1,000万円 / ¥5 million – ¥10 million
{{ org|org_name }}                 the English name for English readers when there is one
{{ org.prefecture|prefecture_name }}
{{ indicator|in_language:"note" }}  note_en for English readers (platform data only)
{{ stored|platform_text }}         a message stored for later (`profiles.deferred`)
"""

from __future__ import annotations

from django import template

from profiles.deferred import render_message
from profiles.display import (
    format_yen,
    format_yen_range,
    localized_field,
    org_display_name,
    prefecture_label,
)

register = template.Library()


@register.filter
def yen_amount(value, mode: str = "") -> str:
    return format_yen(value, exact=(mode == "exact"))


@register.filter
def budget_range(obj) -> str:
    """The budget of a need (`budget_min_yen`, `budget_max_yen`) as a range of amounts."""
    return format_yen_range(
        getattr(obj, "budget_min_yen", None), getattr(obj, "budget_max_yen", None)
    )


@register.filter
def org_name(org) -> str:
    return org_display_name(org)


@register.filter
def in_language(obj, name: str):
    """`obj.<name>_en` for English readers when filled in, else `obj.<name>`."""
    return localized_field(obj, name)


@register.filter
def prefecture_name(prefecture) -> str:
    return prefecture_label(prefecture)


@register.filter
def platform_text(stored) -> str:
    return render_message(stored)
