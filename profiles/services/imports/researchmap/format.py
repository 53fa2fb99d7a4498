"""Reading researchmap V2 data (JSON-LD, as the researchmap V2 API and an institution's export
give it) into plain records, reporting every record that cannot be read with the reason.

What is read (docs/researchmap.md lists every field relied on):

- a **researcher** document: `permalink` (or the last part of its `@id`), `rm:user_id`,
  `family_name` / `given_name` (multilingual `{"ja": …, "en": …}`), `affiliations` (a list of
  `{"affiliation", "section", "job"}`, also accepted as an `@graph` entry), `identifiers`
  (`j_global_id`), and `@graph`: one entry per achievement type, `{"@type": T, "items": […]}`;
- an **achievement list** document `{"@type": T, "@id": ".../<permalink>/<T>", "items": […]}`
  (what `GET /<permalink>/<T>` answers): its items are added to that researcher's;
- a **container** `{"items": [researcher, …]}` (a search answer) or a JSON list of researchers.

A file is one JSON document (one researcher, or many) or JSON Lines (one document per line). A
JSON document that cannot be parsed is a file error (nothing is read); in JSON Lines a line
that cannot be parsed is one unreadable record, reported by its line number, and the other
lines are read. Item types this importer does not use (awards, misc, …) are counted; an
`@type` researchmap does not have is reported, never a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from profiles import links
from profiles.deferred import N_, Text

# Achievement types the importer reads.
USED_TYPES = (
    "research_interests",
    "research_areas",
    "research_projects",
    "industrial_property_rights",
    "published_papers",
    "affiliations",
)
# Achievement types of researchmap V2 the importer does not use (counted, not reported).
OTHER_TYPES = frozenset(
    {
        "awards",
        "misc",
        "books_etc",
        "presentations",
        "works",
        "research_experience",
        "education",
        "committee_memberships",
        "teaching_experience",
        "association_memberships",
        "social_contribution",
        "media_coverage",
        "academic_contribution",
        "others",
        "degrees",
        "qualifications",
    }
)
MAX_RECORDS = 20000


class FileFormatError(Exception):
    """The file as a whole cannot be read: nothing is imported."""


@dataclass
class Problem:
    """A record that could not be read (or an achievement that was not made into a draft)."""

    record: int = 0  # JSON Lines: the line; one JSON document: the position of the researcher
    researcher: str = ""
    type: str = ""
    id: str = ""
    field: str = ""
    # A deferred message (`profiles.deferred.Text`) or a string: the report stores it both
    # rendered (`reason`) and to be shown in its reader's language (`reason_text`).
    reason: Any = ""
    title: str = ""

    def as_dict(self) -> dict:
        reason = self.reason if isinstance(self.reason, Text) else Text(str(self.reason))
        return {
            "record": self.record,
            "researcher": self.researcher,
            "type": self.type,
            "id": self.id,
            "field": self.field,
            "reason": str(reason),
            "reason_text": reason.stored,
            "title": self.title,
        }


class ItemError(Exception):
    """One field of one record is not what researchmap V2 gives."""

    def __init__(self, field_name: str, message: Text | str):
        super().__init__(str(message))
        self.field = field_name
        self.text = message if isinstance(message, Text) else Text(str(message))
        self.message = str(message)


@dataclass
class Multi:
    """A multilingual value: `{"ja": …, "en": …}`."""

    ja: str = ""
    en: str = ""

    def __bool__(self) -> bool:
        return bool(self.ja or self.en)

    def pick(self, language: str) -> str:
        """The text in `language`, else the other one."""
        if language == "en":
            return self.en or self.ja
        return self.ja or self.en

    def as_dict(self) -> dict:
        return {"ja": self.ja, "en": self.en}


def multi(value: Any, name: str) -> Multi:
    """Read a multilingual value; a plain string is taken as given (its language is detected
    later). Numbers are text; anything else is an error naming the field."""
    if value is None or value == "":
        return Multi()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        return Multi(ja=text, en="") if text else Multi()
    if isinstance(value, dict):
        out = {}
        for lang in ("ja", "en"):
            part = value.get(lang)
            if part is None:
                out[lang] = ""
            elif isinstance(part, (str, int, float)) and not isinstance(part, bool):
                out[lang] = str(part).strip()
            else:
                raise ItemError(name, _("多言語の値 (ja / en) が文字列ではありません。"))
        if "\x00" in out["ja"] or "\x00" in out["en"]:
            raise ItemError(name, _("NUL 文字を含めることはできません。"))
        return Multi(**out)
    raise ItemError(name, _('多言語の値 ({"ja": …, "en": …}) ではありません。'))


def text(value: Any, name: str, *, max_len: int = 200) -> str:
    """A plain value (number or string), as text."""
    if value is None:
        return ""
    if isinstance(value, list):  # identifiers are lists: the first one
        value = value[0] if value else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ItemError(name, _("文字列ではありません。"))
    value = value.strip()
    if "\x00" in value:
        raise ItemError(name, _("NUL 文字を含めることはできません。"))
    if len(value) > max_len:
        raise ItemError(name, _("%(max)d 文字以内にしてください。") % {"max": max_len})
    return value


@dataclass
class Achievement:
    """One achievement item of one researcher, not yet interpreted."""

    type: str
    id: str
    permalink: str
    record: int
    data: dict


@dataclass
class ResearcherRecord:
    permalink: str
    record: int
    user_id: str = ""
    name: Multi = field(default_factory=Multi)
    affiliations: list[dict] = field(default_factory=list)
    jglobal_id: str = ""
    items: dict[str, list[Achievement]] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)

    def add(self, item: Achievement) -> None:
        self.items.setdefault(item.type, []).append(item)


# --- the file ------------------------------------------------------------------------------


def read_documents(content: str) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """The JSON documents of a file, each with its record number, and the JSON Lines lines that
    could not be parsed. Raises FileFormatError when the file as a whole cannot be read."""
    body = content.lstrip("\ufeff")
    if not body.strip():
        raise FileFormatError(_("ファイルが空です。"))
    try:
        whole = json.loads(body)
    except json.JSONDecodeError as exc:
        return _json_lines(body, exc)
    if isinstance(whole, list):
        documents = list(enumerate(whole, start=1))
    elif isinstance(whole, dict) and _is_container(whole):
        documents = list(enumerate(whole["items"], start=1))
    elif isinstance(whole, dict):
        documents = [(1, whole)]
    else:
        raise FileFormatError(
            _("researchmap のデータ (JSON オブジェクトまたはその配列) ではありません。")
        )
    if len(documents) > MAX_RECORDS:
        raise FileFormatError(_("レコードが多すぎます (%(max)d 件まで)。") % {"max": MAX_RECORDS})
    return documents, []


def _json_lines(body: str, whole_error: json.JSONDecodeError):
    lines = [(n, line) for n, line in enumerate(body.splitlines(), start=1) if line.strip()]
    first = _parse_line(lines[0][1]) if lines else None
    if len(lines) < 2 or not isinstance(first, dict):
        # Not JSON Lines either: say where the JSON document breaks.
        raise FileFormatError(
            _("JSON として読めません (%(line)d 行 %(column)d 文字目: %(reason)s)。")
            % {"line": whole_error.lineno, "column": whole_error.colno, "reason": whole_error.msg}
        )
    if len(lines) > MAX_RECORDS:
        raise FileFormatError(_("レコードが多すぎます (%(max)d 件まで)。") % {"max": MAX_RECORDS})
    documents, problems = [], []
    for number, line in lines:
        try:
            documents.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    record=number,
                    reason=Text(
                        N_("JSON として読めません (%(column)d 文字目: %(reason)s)。"),
                        column=exc.colno,
                        reason=exc.msg,
                    ),
                )
            )
    return documents, problems


def _parse_line(line: str):
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _is_container(doc: dict) -> bool:
    return (
        isinstance(doc.get("items"), list)
        and "permalink" not in doc
        and doc.get("@type") in (None, "researchers")
    )


# --- documents to researchers --------------------------------------------------------------


def _tail(url: Any, depth: int = 1) -> str:
    """The `depth`-th last path segment of an `@id` address ("" when there is none)."""
    if not isinstance(url, str):
        return ""
    parts = [p for p in url.split("?")[0].split("/") if p]
    return parts[-depth] if len(parts) >= depth else ""


def achievement_id(item: dict) -> str:
    value = item.get("rm:id")
    if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return _tail(item.get("@id"))


def read_researchers(
    documents: list[tuple[int, Any]],
) -> tuple[list[ResearcherRecord], list[Problem]]:
    """Researchers (with their achievements) of the documents, in file order, and every
    document or item that could not be read. A permalink seen twice is merged."""
    researchers: dict[str, ResearcherRecord] = {}
    lists: list[tuple[int, dict]] = []
    problems: list[Problem] = []
    for number, doc in documents:
        if isinstance(doc, dict) and _is_container(doc):
            for item in doc["items"]:
                _researcher_document(number, item, researchers, lists, problems)
        else:
            _researcher_document(number, doc, researchers, lists, problems)
    for number, doc in lists:
        permalink = str(doc.get("permalink") or _tail(doc.get("@id"), 2))
        kind = doc["@type"]
        owner = researchers.get(permalink)
        if owner is None:
            problems.append(
                Problem(
                    record=number,
                    researcher=permalink,
                    type=kind,
                    reason=_("この業績一覧の研究者 (プロフィール) がファイルにありません。"),
                )
            )
            continue
        items = doc["items"] if isinstance(doc.get("items"), list) else [doc]
        _read_items(owner, kind, items, number, problems)
    return list(researchers.values()), problems


def _researcher_document(number, doc, researchers, lists, problems) -> None:
    if not isinstance(doc, dict):
        problems.append(Problem(record=number, reason=_("JSON オブジェクトではありません。")))
        return
    kind = doc.get("@type")
    is_researcher = "permalink" in doc or "rm:user_id" in doc or kind == "researchers"
    if not is_researcher:
        if isinstance(kind, str) and (kind in USED_TYPES or kind in OTHER_TYPES):
            if kind in USED_TYPES:
                lists.append((number, doc))
            return
        problems.append(
            Problem(
                record=number,
                type=str(kind or ""),
                reason=Text(
                    N_("researchmap の研究者でも業績一覧でもありません (@type: %(type)s)。"),
                    type=str(kind or "—"),
                ),
            )
        )
        return
    permalink = doc.get("permalink") or _tail(doc.get("@id"))
    if not isinstance(permalink, str) or not links.is_researchmap_id(permalink.strip()):
        problems.append(
            Problem(
                record=number,
                researcher=str(permalink or ""),
                field="permalink",
                reason=_("パーマリンクがないか、researchmap のパーマリンクの形式ではありません。"),
            )
        )
        return
    permalink = permalink.strip()
    try:
        name = _name(doc)
        affiliations = _affiliations(doc.get("affiliations"))
        identifiers = doc.get("identifiers") or {}
        if not isinstance(identifiers, dict):
            raise ItemError("identifiers", _("オブジェクトではありません。"))
        jglobal = text(identifiers.get("j_global_id"), "identifiers.j_global_id", max_len=30)
        if jglobal and not links.is_jglobal_id(jglobal):
            jglobal = ""  # an unusable ID is left out, not an unreadable researcher
        user_id = text(doc.get("rm:user_id"), "rm:user_id", max_len=100)
        graph = doc.get("@graph") or []
        if not isinstance(graph, list):
            raise ItemError("@graph", _("リストではありません。"))
    except ItemError as exc:
        problems.append(
            Problem(record=number, researcher=permalink, field=exc.field, reason=exc.message)
        )
        return
    record = researchers.get(permalink)
    if record is None:
        record = researchers[permalink] = ResearcherRecord(permalink=permalink, record=number)
    record.user_id = record.user_id or user_id
    record.name = name
    record.affiliations = record.affiliations or affiliations
    record.jglobal_id = record.jglobal_id or jglobal
    for entry in graph:
        if not isinstance(entry, dict) or not isinstance(entry.get("@type"), str):
            problems.append(
                Problem(
                    record=number,
                    researcher=permalink,
                    field="@graph",
                    reason=_("@type のない項目です。"),
                )
            )
            continue
        kind = entry["@type"]
        items = entry.get("items") or []
        if kind in OTHER_TYPES:
            record.ignored[kind] = record.ignored.get(kind, 0) + (
                len(items) if isinstance(items, list) else 0
            )
            continue
        if kind not in USED_TYPES:
            problems.append(
                Problem(
                    record=number,
                    researcher=permalink,
                    type=kind,
                    reason=Text(N_("researchmap V2 にない業績種別です: %(type)s"), type=kind[:60]),
                )
            )
            continue
        if not isinstance(items, list):
            problems.append(
                Problem(
                    record=number,
                    researcher=permalink,
                    type=kind,
                    field="items",
                    reason=_("リストではありません。"),
                )
            )
            continue
        _read_items(record, kind, items, number, problems)


def _read_items(record: ResearcherRecord, kind: str, items: list, number: int, problems) -> None:
    for item in items:
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    record=number,
                    researcher=record.permalink,
                    type=kind,
                    reason=_("JSON オブジェクトではありません。"),
                )
            )
            continue
        if kind == "affiliations":
            try:
                record.affiliations.extend(_affiliations([item]))
            except ItemError as exc:
                problems.append(
                    Problem(
                        record=number,
                        researcher=record.permalink,
                        type=kind,
                        field=exc.field,
                        reason=exc.message,
                    )
                )
            continue
        rm_id = achievement_id(item)
        if not rm_id or len(rm_id) > 100:
            problems.append(
                Problem(
                    record=number,
                    researcher=record.permalink,
                    type=kind,
                    field="rm:id",
                    reason=_("業績ID (rm:id) がありません。"),
                )
            )
            continue
        if any(a.id == rm_id for a in record.items.get(kind, [])):
            continue  # the same item from the profile and from its list
        record.add(
            Achievement(type=kind, id=rm_id, permalink=record.permalink, record=number, data=item)
        )


def _name(doc: dict) -> Multi:
    family = multi(doc.get("family_name"), "family_name")
    given = multi(doc.get("given_name"), "given_name")
    ja = " ".join(p for p in (family.ja, given.ja) if p)
    en = " ".join(p for p in (given.en, family.en) if p)
    if not (ja or en):
        display = multi(doc.get("display_name") or doc.get("name"), "display_name")
        ja, en = display.ja, display.en
    if not (ja or en):
        raise ItemError("family_name", _("氏名がありません。"))
    if len(ja) > 200 or len(en) > 200:
        raise ItemError("family_name", _("%(max)d 文字以内にしてください。") % {"max": 200})
    return Multi(ja=ja, en=en)


def _affiliations(value: Any) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ItemError("affiliations", _("リストではありません。"))
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise ItemError("affiliations", _("JSON オブジェクトではありません。"))
        out.append(
            {
                "affiliation": multi(item.get("affiliation"), "affiliations.affiliation"),
                "section": multi(item.get("section"), "affiliations.section"),
                "job": multi(item.get("job"), "affiliations.job"),
            }
        )
    return out
