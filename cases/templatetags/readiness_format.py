"""Template filters for readiness, estimates and KPI figures (display formatting only). Amounts
of yen are written by the one function for both languages, `profiles.display.format_yen`
(also the `yen_amount` filter of `{% load localized %}`)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from profiles.display import format_yen

register = template.Library()


@register.filter
def percent(value, places: int = 1) -> str:
    """A percentage already in 0..100 → '12.5%'."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(places)}f}%"


@register.filter
def ratio_percent(value, places: int = 1) -> str:
    """A ratio in 0..1 → '7.5%'."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def metric(value, unit: str) -> str:
    """A comparison value in its unit: score, level, yen, percent or days."""
    if value is None:
        return "—"
    v = float(value)
    if unit == "yen":
        return format_yen(v)
    if unit == "percent":
        return percent(v)
    if unit == "days":
        return _("%(n)s日") % {"n": f"{v:g}"}
    if unit == "score":
        return f"{v:.2f}"
    return f"{v:g}"


@register.filter
def kpi_value(value, unit: str) -> str:
    if value is None or value == "":
        return "—"
    if unit == "yen":
        return format_yen(value)
    if unit == "people":
        return _("%(n)s人") % {"n": f"{int(value):,}"}
    return _("%(n)s件") % {"n": f"{int(value):,}"}
