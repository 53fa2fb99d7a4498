"""Template filters for readiness, estimates and KPI figures (display formatting only)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def yen(value) -> str:
    """¥1,234,567; an em dash for a missing value."""
    if value is None or value == "":
        return "—"
    return f"¥{int(round(float(value))):,}"


@register.filter
def oku_yen(value) -> str:
    """Large amounts in 億円 / 百万円 as Japanese reports print them (¥1,000,000,000 → 10億円)."""
    if value is None or value == "":
        return "—"
    v = int(value)
    if v >= 100_000_000:
        return _("%(n)s億円") % {"n": f"{v / 100_000_000:,.2f}".rstrip("0").rstrip(".")}
    if v >= 1_000_000:
        return _("%(n)s百万円") % {"n": f"{v / 1_000_000:,.1f}".rstrip("0").rstrip(".")}
    return f"¥{v:,}"


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
        return yen(v)
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
        return oku_yen(value)
    if unit == "people":
        return _("%(n)s人") % {"n": f"{int(value):,}"}
    return _("%(n)s件") % {"n": f"{int(value):,}"}
