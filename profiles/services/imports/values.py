"""Value checks shared by the catalog JSON and the CSV imports: each turns one raw cell or
JSON value into the stored form, or raises FieldError naming the field and the reason."""

from __future__ import annotations

import re
from typing import Any

from profiles import links
from profiles.choices import (
    CollaborationMode,
    Region,
    Stage,
)
from profiles.deferred import N_, Text

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 5000
KEY_RE = re.compile(r"^[^\s\x00-\x1f\x7f]{1,100}$")
CSV_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class FieldError(Exception):
    """A bad value in one field of one record. `text` is the reason as a deferred message
    (`profiles.deferred`), so a stored report is shown in its reader's language; `message` is
    it rendered in the active language."""

    def __init__(self, field: str, message: Text | str):
        self.field = field
        self.text = message if isinstance(message, Text) else Text(str(message))
        super().__init__(str(self.text))

    @property
    def message(self) -> str:
        return str(self.text)


# --- value checks shared by both formats ---------------------------------------------------


def _text(value: Any, name: str, *, max_len: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise FieldError(name, Text(N_("文字列ではありません。")))
    if "\x00" in value:
        raise FieldError(name, Text(N_("NUL 文字を含めることはできません。")))
    value = value.strip()
    if required and not value:
        raise FieldError(name, Text(N_("必須です。")))
    if len(value) > max_len:
        raise FieldError(name, Text(N_("%(max)d 文字以内にしてください。"), max=max_len))
    return value


def _int(value: Any, name: str, *, lo: int, hi: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(name, Text(N_("整数ではありません。")))
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(name, Text(N_("整数ではありません。")))
        value = int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("，", "").lstrip("¥￥")
        cleaned = cleaned.removesuffix("円")
        if not re.fullmatch(r"-?[0-9]{1,30}", cleaned):
            raise FieldError(name, Text(N_("整数ではありません。")))
        value = int(cleaned)
    if not isinstance(value, int):
        raise FieldError(name, Text(N_("整数ではありません。")))
    if value < lo or value > hi:
        raise FieldError(name, Text(N_("%(lo)s から %(hi)s の範囲にしてください。"), lo=lo, hi=hi))
    return value


def _list(
    value: Any,
    name: str,
    *,
    max_items: int = 50,
    max_len: int = 100,
    choices: dict[str, str] | None = None,
) -> list[str]:
    """A list of short strings; `choices` maps every accepted spelling to its stored value."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(name, Text(N_("リストではありません。")))
    if len(value) > max_items:
        raise FieldError(name, Text(N_("%(max)d 件以内にしてください。"), max=max_items))
    out: list[str] = []
    for item in value:
        item = _text(item, name, max_len=max_len)
        if not item:
            continue
        if choices is not None:
            if item not in choices:
                raise FieldError(name, Text(N_("不明な値です: %(value)s"), value=item))
            item = choices[item]
        if item not in out:
            out.append(item)
    return out


def _choice_map(choices) -> dict[str, str]:
    """Accept the stored value, and the Japanese label (what a spreadsheet says)."""
    mapping = {}
    for value, label in choices:
        mapping[str(value)] = value
        mapping[str(label)] = value
    return mapping


MODES = _choice_map(CollaborationMode.choices)
REGIONS = _choice_map(Region.choices)
STAGES = _choice_map(Stage.choices)
LANGUAGES = {
    "ja": "ja",
    "en": "en",
    "日本語": "ja",
    "英語": "en",
    "japanese": "ja",
    "english": "en",
}
TRUE = {"1", "true", "yes", "y", "はい", "可", "有", "あり", "○", "◯"}
FALSE = {"0", "false", "no", "n", "いいえ", "不可", "無", "なし", "×", ""}


def _bool(value: Any, name: str, *, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        v = value.strip().lower()
        if v == "":
            return default
        if v in TRUE:
            return True
        if v in FALSE:
            return False
    raise FieldError(name, Text(N_("真偽値 (yes/no) ではありません。")))


def _choice(value: Any, name: str, mapping: dict[str, str], *, default: str) -> str:
    if value is None or value == "":
        return default
    text = _text(value, name, max_len=100)
    if text not in mapping and text.lower() not in mapping:
        raise FieldError(name, Text(N_("不明な値です: %(value)s"), value=text))
    return mapping.get(text, mapping.get(text.lower()))


def _key(value: Any, name: str = "key", *, pattern: re.Pattern = KEY_RE) -> str:
    text = _text(value, name, max_len=100, required=True)
    if not pattern.match(text):
        raise FieldError(name, Text(N_("キーに使えない文字が含まれています。")))
    return text


def _researcher(item: Any, name: str = "researchers") -> dict:
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, dict):
        raise FieldError(name, Text(N_("研究者の形式が正しくありません。")))
    researchmap_id = links.normalize_researchmap_id(
        _text(item.get("researchmap_id"), name, max_len=100)
    )
    if researchmap_id and not links.is_researchmap_id(researchmap_id):
        raise FieldError(name, Text(links.RESEARCHMAP_ID_MESSAGE, value=researchmap_id))
    jglobal_id = links.normalize_jglobal_id(_text(item.get("jglobal_id"), name, max_len=30))
    if jglobal_id and not links.is_jglobal_id(jglobal_id):
        raise FieldError(name, Text(links.JGLOBAL_ID_MESSAGE, value=jglobal_id))
    return {
        "name": _text(item.get("name"), name, max_len=200, required=True),
        "name_en": _text(item.get("name_en"), name, max_len=200),
        "department": _text(item.get("department"), name, max_len=200),
        "researchmap_id": researchmap_id,
        "jglobal_id": jglobal_id,
        "cross_appointment_available": _bool(
            item.get("cross_appointment_available"), name, default=False
        ),
    }


def _patent(item: Any, name: str = "patents") -> dict:
    if not isinstance(item, dict):
        raise FieldError(name, Text(N_("特許の形式が正しくありません。")))
    out = {
        "application_number": _text(item.get("application_number"), name, max_len=100),
        "registration_number": _text(item.get("registration_number"), name, max_len=100),
        "title": _text(item.get("title"), name, max_len=300),
        "license_available": _bool(item.get("license_available"), name, default=True),
    }
    if not (out["application_number"] or out["registration_number"] or out["title"]):
        raise FieldError(name, Text(N_("出願番号・登録番号のいずれかが必要です。")))
    return out


def _range(lo_name: str, lo, hi_name: str, hi) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise FieldError(hi_name, Text(N_("%(lo)s 以上の値にしてください。"), lo=lo_name))
