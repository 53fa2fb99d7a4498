"""How the platform writes values for a reader, in the reader's language: amounts of yen,
organisation names and prefectures. One function per kind of value, used by every page, CSV,
e-mail and template filter (`profiles/templatetags/localized.py`), so Japanese and English
cannot drift apart.

- **Amounts** (`format_yen`): Japanese readers read 億 and 万 (1,151億円, 5,000万円, 123万5,000円);
  English readers read millions and billions (¥115.1 billion, ¥50 million, ¥1.235 million).
  From ¥1 million up an amount is rounded to four significant digits (half up) in both
  languages, so the two always state the same figure; below that, and whenever `exact=True`
  (estimator lines that must add up, a university's own track record), every yen is written
  (812,345円 / ¥812,345).
- **Organisation names** (`org_display_name`): the English name when the reader reads English
  and the organisation has given one; otherwise the name as written. What users wrote stays
  as written.
- **Bilingual platform data** (`localized_field`): the KPI indicators and the case library keep
  an English twin of each text (`note` / `note_en`); the reader's language picks one.
- **Prefectures** (`prefecture_label`): stored as their Japanese names (the catalogue format
  and office spreadsheets use them), shown through `profiles.choices.PREFECTURE_LABELS`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

from profiles.choices import PREFECTURE_LABELS

SIGNIFICANT_DIGITS = 4
COMPACT_FROM_YEN = 1_000_000

_JA_UNITS = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))
_EN_UNITS = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))


def reader_language(language: str | None = None) -> str:
    """'en' or 'ja': the given language, else the active one (Japanese by default)."""
    code = (language or translation.get_language() or "ja").lower()
    return "en" if code.startswith("en") else "ja"


def _to_int(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError):
        return None


def round_significant(value: int, digits: int = SIGNIFICANT_DIGITS) -> int:
    """`value` rounded half up to `digits` significant digits (115,088,000,000 → 115,100,000,000)."""
    if value == 0:
        return 0
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    drop = max(len(str(magnitude)) - digits, 0)
    step = 10**drop
    return sign * int(
        (Decimal(magnitude) / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step
    )


def _ja(value: int) -> str:
    parts = []
    rest = value
    for size, unit in _JA_UNITS:
        if rest >= size:
            parts.append(f"{rest // size:,}{unit}")
            rest %= size
    if rest or not parts:
        parts.append(f"{rest:,}")
    return "".join(parts) + "円"


def _en(value: int, *, compact: bool) -> str:
    if compact:
        for size, unit in _EN_UNITS:
            if value >= size:
                number = f"{Decimal(value) / size:f}"
                if "." in number:
                    number = number.rstrip("0").rstrip(".")
                whole, _dot, fraction = number.partition(".")
                number = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
                return f"¥{number} {unit}"
    return f"¥{value:,}"


def format_yen(value, *, language: str | None = None, exact: bool = False) -> str:
    """An amount of yen as a reader of `language` (default: the active language) writes it;
    "—" for a missing value. See the module docstring for the rule."""
    amount = _to_int(value)
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    compact = not exact and amount >= COMPACT_FROM_YEN
    if compact:
        amount = round_significant(amount)
    if reader_language(language) == "en":
        return sign + _en(amount, compact=compact)
    return sign + (_ja(amount) if compact else f"{amount:,}円")


def format_yen_range(low, high, *, language: str | None = None) -> str:
    """A budget range (either end may be missing): 500万円〜1,000万円 / ¥5 million – ¥10 million."""
    lo = _to_int(low) or None
    hi = _to_int(high)
    if lo is None and hi is None:
        return "—"
    with translation.override(reader_language(language)):
        if lo is not None and hi is not None:
            if lo == hi:
                return format_yen(hi)
            return _("%(low)s〜%(high)s") % {"low": format_yen(lo), "high": format_yen(hi)}
        if hi is not None:
            return _("%(high)sまで") % {"high": format_yen(hi)}
        return _("%(low)sから") % {"low": format_yen(lo)}


def org_display_name(org, *, language: str | None = None) -> str:
    """The organisation's English name for an English reader when it has one, else its name."""
    if org is None:
        return ""
    if isinstance(org, dict):  # a row of values (metrics, exports)
        name, name_en = org.get("name") or "", org.get("name_en") or ""
    else:
        name, name_en = getattr(org, "name", "") or "", getattr(org, "name_en", "") or ""
    if name_en and reader_language(language) == "en":
        return name_en
    return name


def localized_field(obj, name: str, *, language: str | None = None):
    """`obj.<name>_en` for an English reader when it is filled in, else `obj.<name>`: the
    platform's own bilingual data (KPI notes, the case library), never what users wrote."""
    value = getattr(obj, name, "")
    if reader_language(language) == "en":
        english = getattr(obj, f"{name}_en", None)
        if english not in (None, "", []):
            return english
    return value


def prefecture_label(prefecture: str | None) -> str:
    """A stored prefecture name in the reader's language ('' when none; unknown names as is)."""
    if not prefecture:
        return ""
    label = PREFECTURE_LABELS.get(prefecture)
    return str(label) if label is not None else prefecture
