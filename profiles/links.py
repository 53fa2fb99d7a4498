"""Identifiers of researchers and patents, and the public pages they link to: the one home of
the researchmap ID rule and of the researchmap, J-PlatPat and J-GLOBAL address builders.

Pure functions over strings (no models; only the messages are translated): the forms, the API, the imports and the
template filters in `profiles.templatetags.profiles_links` all use these, and so can any later
page (a public seed page) that shows an ID. A builder returns "" when the value cannot be read
as an identifier of its kind, so a template shows the bare text instead of a broken link.

- **researchmap** (https://researchmap.jp/<permalink>): a researcher's permalink is 3 to 20
  ASCII letters, digits, `_`, `-` or `.`, with at least one letter or digit (so "." and ".."
  are never a path). A pasted profile address (https://researchmap.jp/<permalink>/…) is
  accepted where an ID is typed and reduced to its permalink.
- **J-PlatPat** fixed addresses (固定アドレス) of Japanese patent documents:
  https://www.j-platpat.inpit.go.jp/c1800/PU/JP-<number>/<kind>/ja with kind 10 for an
  application number (特願YYYY-NNNNNN), 11 for a publication number (特開YYYY-NNNNNN) and 15
  for a patent (registration) number (特許第NNNNNNN号). Only numbers of Western-year form
  (2000 onwards) and seven-digit patent numbers are linked; era-year, foreign and PCT numbers
  are shown without a link.
- **J-GLOBAL** (https://jglobal.jst.go.jp/detail?JGLOBAL_ID=<id>): every J-GLOBAL record
  (researchers, patents, articles) has a numeric ID; the detail address works for all of them.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _

RESEARCHMAP_SITE = "https://researchmap.jp"
JPLATPAT_FIXED = "https://www.j-platpat.inpit.go.jp/c1800/PU"
JGLOBAL_DETAIL = "https://jglobal.jst.go.jp/detail?JGLOBAL_ID="

RESEARCHMAP_ID_RE = re.compile(r"^(?=.*[A-Za-z0-9])[A-Za-z0-9_.\-]{3,20}$")
_RESEARCHMAP_URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.)?researchmap\.jp/+([^/?#\s]+)/*(?:[/?#].*)?$", re.IGNORECASE
)
JGLOBAL_ID_RE = re.compile(r"^[0-9]{6,30}$")

RESEARCHMAP_ID_MESSAGE = _(
    "researchmap ID は researchmap のパーマリンク (半角英数字と _ - . の3〜20文字) か、"
    "研究者ページのアドレスです: %(value)s"
)
JGLOBAL_ID_MESSAGE = _("J-GLOBAL ID は半角数字です: %(value)s")

# 特願2019-123456, 2019-123456, 特願2019123456, JP2019-123456, 2019/123456 …
_YEAR_SERIAL_RE = re.compile(
    r"^(?:JP)?(?:特願|特開|特表|再表)?(20[0-9]{2})[-‐−/]?([0-9]{1,6})(?:[A-Z][0-9]?)?$"
)
# 特許第6543210号, 特許6543210, 6543210, JP6543210B2, 第6543210号
_PATENT_NUMBER_RE = re.compile(r"^(?:JP)?(?:特許)?(?:第)?([0-9]{7})(?:号)?(?:[A-Z][0-9]?)?$")


def _compact(value: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), spaces and commas removed."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s,]", "", text).upper()


# --- researchmap ---------------------------------------------------------------------------


def normalize_researchmap_id(value: str) -> str:
    """The permalink in `value` (a permalink or a researchmap profile address), stripped; the
    text itself when it is neither (check it with `is_researchmap_id`)."""
    text = (value or "").strip()
    match = _RESEARCHMAP_URL_RE.match(text)
    if match:
        return match.group(1)
    return text


def is_researchmap_id(value: str) -> bool:
    return bool(RESEARCHMAP_ID_RE.match(value or ""))


def researchmap_url(permalink: str) -> str:
    """The researcher's page on researchmap, or "" for a value that is not a permalink."""
    permalink = normalize_researchmap_id(permalink)
    if not is_researchmap_id(permalink):
        return ""
    return f"{RESEARCHMAP_SITE}/{quote(permalink)}"


def researchmap_achievement_url(permalink: str, achievement_type: str, achievement_id: str) -> str:
    """One achievement on researchmap (https://researchmap.jp/<permalink>/<type>/<id>)."""
    base = researchmap_url(permalink)
    if not base or not re.fullmatch(r"[a-z_]{2,60}", achievement_type or ""):
        return ""
    if not re.fullmatch(r"[A-Za-z0-9_\-]{1,40}", str(achievement_id or "")):
        return f"{base}/{achievement_type}"
    return f"{base}/{achievement_type}/{achievement_id}"


# --- J-PlatPat -----------------------------------------------------------------------------


def _year_serial(value: str) -> tuple[str, str] | None:
    match = _YEAR_SERIAL_RE.match(_compact(value))
    if not match:
        return None
    return match.group(1), match.group(2).zfill(6)


def jplatpat_application_url(number: str) -> str:
    """J-PlatPat for a Japanese patent application number (特願YYYY-NNNNNN)."""
    text = _compact(number)
    if text.startswith(("特開", "特表", "再表", "特許")):
        return ""
    parts = _year_serial(text)
    if parts is None:
        return ""
    return f"{JPLATPAT_FIXED}/JP-{parts[0]}-{parts[1]}/10/ja"


def jplatpat_publication_url(number: str) -> str:
    """J-PlatPat for a publication number of an unexamined application (特開YYYY-NNNNNN)."""
    text = _compact(number)
    if not text.startswith(("特開", "JP")) or "特願" in text:
        return ""
    parts = _year_serial(text)
    if parts is None:
        return ""
    return f"{JPLATPAT_FIXED}/JP-{parts[0]}-{parts[1]}/11/ja"


def jplatpat_registration_url(number: str) -> str:
    """J-PlatPat for a Japanese patent (registration) number (特許第NNNNNNN号)."""
    match = _PATENT_NUMBER_RE.match(_compact(number))
    if not match:
        return ""
    return f"{JPLATPAT_FIXED}/JP-{match.group(1)}/15/ja"


# --- J-GLOBAL ------------------------------------------------------------------------------


def normalize_jglobal_id(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def is_jglobal_id(value: str) -> bool:
    return bool(JGLOBAL_ID_RE.match(normalize_jglobal_id(value)))


def jglobal_url(jglobal_id: str) -> str:
    """The J-GLOBAL record of a researcher, patent or article, or "" for a non-numeric value."""
    value = normalize_jglobal_id(jglobal_id)
    if not JGLOBAL_ID_RE.match(value):
        return ""
    return f"{JGLOBAL_DETAIL}{value}"
