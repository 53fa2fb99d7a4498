"""Links of the identifiers a page shows (researchmap, J-PlatPat, J-GLOBAL), and how a value
taken from researchmap is shown on the review page. The addresses are built by profiles.links
(the one home of those rules); a filter gives "" when the value is not an ID of its kind.

    {% load profiles_links %}
    {{ r.researchmap_id|researchmap_url }}  {{ p.application_number|jplatpat_application_url }}
    {{ p.registration_number|jplatpat_registration_url }}  {{ r.jglobal_id|jglobal_url }}
    {% researchmap_achievement_url permalink type id %}
    {% include "profiles/_id_links.html" with researchers=… patents=… %}
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from profiles import links

register = template.Library()


@register.filter
def researchmap_url(permalink) -> str:
    return links.researchmap_url(str(permalink or ""))


@register.filter
def jplatpat_application_url(number) -> str:
    return links.jplatpat_application_url(str(number or ""))


@register.filter
def jplatpat_registration_url(number) -> str:
    return links.jplatpat_registration_url(str(number or ""))


@register.filter
def jglobal_url(jglobal_id) -> str:
    return links.jglobal_url(str(jglobal_id or ""))


@register.simple_tag
def researchmap_achievement_url(permalink, achievement_type, achievement_id) -> str:
    return links.researchmap_achievement_url(
        str(permalink or ""), str(achievement_type or ""), str(achievement_id or "")
    )


@register.filter
def imported_value(value) -> str:
    """A seed field as taken from researchmap (text, a list, researchers, patents), as one
    line of text for the review page's comparison."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict) and "name" in item:
                extra = ", ".join(
                    v for v in (item.get("department"), item.get("researchmap_id")) if v
                )
                if item.get("cross_appointment_available"):
                    extra = ", ".join(v for v in (extra, _("クロスアポイントメント可")) if v)
                parts.append(f"{item['name']} ({extra})" if extra else item["name"])
            elif isinstance(item, dict):
                numbers = " / ".join(
                    v
                    for v in (item.get("application_number"), item.get("registration_number"))
                    if v
                )
                parts.append(" ".join(v for v in (numbers, item.get("title")) if v) or "—")
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(value)
