"""From researchmap records to draft seeds: which research projects are industrially relevant,
which patents form one family, and the seed each group becomes.

- **Projects.** One draft per research project with industrial relevance: a project whose
  title, description, programme (`system_name`), category, funder (`offer_organization`) or
  type names one of `INDUSTRY_TERMS` (joint or contract research, practical application,
  technology transfer, company funding, NEDO, A-STEP, …). The terms found are kept as the reason
  shown on the review page; other projects are listed as not drafted, with that reason. The
  same project registered by several researchers (same grant number, or same title) is one
  draft with every researcher.
- **Patent families.** Industrial property rights of type `patent_right` (or without a type but
  with a number) are grouped: rights that share an application, publication or patent number,
  or the same title, are one family (the JP application and its PCT and foreign filings are
  usually registered under one title), and each family is one draft with every right attached.
  Utility models, designs and trademarks are listed as not drafted.
- **The seed.** Title and summary (from `description`; without one, a short factual text) in
  Japanese when the record has Japanese, else English; the language is then detected from the
  text (researchers write English into the "ja" slot and the other way round); keywords from
  the researchers' research interests and research areas; the field from the first research
  area; researchers (name ja/en, department from the affiliation, researchmap ID = permalink,
  J-GLOBAL ID); patents attached to a family; collaboration modes joint research (projects) or
  licence (patents), which the office may change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from profiles.choices import CollaborationMode, Language
from profiles.deferred import N_, Text
from profiles.services.catalog import patent_rows, researcher_rows

from .format import Achievement, ItemError, Multi, Problem, ResearcherRecord, multi, text

# Words that mark a research project as relevant to industry (matched case-insensitively in
# the project's title, description, programme, category, funder and type, both languages).
INDUSTRY_TERMS = (
    "共同研究",
    "受託研究",
    "産学",
    "産業",
    "企業",
    "株式会社",
    "実用化",
    "事業化",
    "社会実装",
    "技術移転",
    "ライセンス",
    "試作",
    "量産",
    "製品化",
    "NEDO",
    "A-STEP",
    "研究成果最適展開支援",
    "大学発新産業創出",
    "SBIR",
    "joint research",
    "contract research",
    "industry",
    "industrial",
    "company",
    "commercial",
    "practical application",
    "technology transfer",
    "licens",
    "prototype",
    "startup",
)
_TERM_RE = re.compile(
    "|".join(
        (r"\b" + re.escape(t) if t.isascii() and t[0].isalpha() else re.escape(t))
        for t in INDUSTRY_TERMS
    ),
    re.IGNORECASE,
)
PATENT_TYPES = ("patent_right", "")
MAX_KEYWORDS = 50
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def detect_language(value: str) -> str:
    """'ja' when a tenth or more of the characters are Japanese script, else 'en'. The same
    rule as the matcher's (matching/engine/text.py), which this domain module may not import."""
    if not value:
        return Language.JA
    return Language.JA if len(_CJK.findall(value)) / len(value) >= 0.1 else Language.EN


def _norm(value: str) -> str:
    text_ = unicodedata.normalize("NFKC", value or "").upper()
    text_ = re.sub(r"特願|特開|特表|特許|第|号|JP", "", text_)
    return re.sub(r"[^0-9A-Z\u3040-\u30ff\u3400-\u9fff]", "", text_)


# --- reading one achievement ---------------------------------------------------------------


@dataclass
class Project:
    achievement: Achievement
    title: Multi
    description: Multi
    system_name: Multi
    offer_organization: Multi
    category: Multi
    kind: str
    grant_number: str
    period: str
    industry: list[str] = field(default_factory=list)


@dataclass
class PatentRight:
    achievement: Achievement
    title: Multi
    description: Multi
    kind: str
    application_number: str
    application_date: str
    patent_number: str
    registration_date: str
    publication_number: str


def _identifiers(item: dict) -> dict:
    value = item.get("identifiers") or {}
    if not isinstance(value, dict):
        raise ItemError("identifiers", _("オブジェクトではありません。"))
    return value


def read_project(a: Achievement) -> Project:
    d = a.data
    title = multi(d.get("research_project_title"), "research_project_title")
    if not title:
        raise ItemError("research_project_title", _("研究課題名がありません。"))
    grant = text(_identifiers(d).get("grant_number"), "identifiers.grant_number", max_len=100)
    start = text(d.get("from_date"), "from_date", max_len=20)
    end = text(d.get("to_date"), "to_date", max_len=20)
    project = Project(
        achievement=a,
        title=title,
        description=multi(d.get("description"), "description"),
        system_name=multi(d.get("system_name"), "system_name"),
        offer_organization=multi(d.get("offer_organization"), "offer_organization"),
        category=multi(d.get("category"), "category"),
        kind=text(d.get("research_project_type"), "research_project_type", max_len=100),
        grant_number=grant,
        period=f"{start}〜{end}" if (start or end) else "",
    )
    project.industry = industry_terms(project)
    return project


def industry_terms(project: Project) -> list[str]:
    """The INDUSTRY_TERMS found in the project (empty: not industrially relevant)."""
    found: list[str] = []
    texts = [project.kind.replace("_", " ")]
    for value in (
        project.title,
        project.description,
        project.system_name,
        project.category,
        project.offer_organization,
    ):
        texts += [value.ja, value.en]
    for match in _TERM_RE.finditer("\n".join(t for t in texts if t)):
        term = match.group(0)
        if term.lower() not in [f.lower() for f in found]:
            found.append(term)
    return found


def read_patent(a: Achievement) -> PatentRight:
    d = a.data
    right = PatentRight(
        achievement=a,
        title=multi(d.get("industrial_property_right_title"), "industrial_property_right_title"),
        description=multi(d.get("description"), "description"),
        kind=text(d.get("industrial_property_right_type"), "industrial_property_right_type"),
        application_number=text(d.get("application_number"), "application_number", max_len=100),
        application_date=text(d.get("application_date"), "application_date", max_len=20),
        patent_number=text(d.get("patent_number"), "patent_number", max_len=100),
        registration_date=text(d.get("registration_date"), "registration_date", max_len=20),
        publication_number=text(
            d.get("patent_publication_number"), "patent_publication_number", max_len=100
        ),
    )
    if not (right.title or right.application_number or right.patent_number):
        raise ItemError(
            "industrial_property_right_title", _("発明の名称も出願番号・特許番号もありません。")
        )
    if len(right.title.ja) > 300 or len(right.title.en) > 300:
        raise ItemError(
            "industrial_property_right_title", Text(N_("%(max)d 文字以内にしてください。"), max=300)
        )
    return right


# --- grouping ------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_by_keys(items: list, keys) -> list[list]:
    """Items that share any key (`keys(item)`: normalised strings) form one group; groups and
    their members keep file order."""
    uf = _UnionFind(len(items))
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        for key in keys(item):
            if not key:
                continue
            if key in first:
                uf.union(first[key], i)
            else:
                first[key] = i
    groups: dict[int, list] = {}
    for i, item in enumerate(items):
        groups.setdefault(uf.find(i), []).append(item)
    return [groups[k] for k in sorted(groups)]


def project_keys(p: Project) -> list[str]:
    return [
        "grant:" + _norm(p.grant_number) if p.grant_number else "",
        "title:" + _norm(p.title.ja) if _norm(p.title.ja) else "",
        "title:" + _norm(p.title.en) if _norm(p.title.en) else "",
    ]


def patent_keys(r: PatentRight) -> list[str]:
    return [
        "app:" + _norm(r.application_number) if _norm(r.application_number) else "",
        "reg:" + _norm(r.patent_number) if _norm(r.patent_number) else "",
        "pub:" + _norm(r.publication_number) if _norm(r.publication_number) else "",
        "title:" + _norm(r.title.ja) if _norm(r.title.ja) else "",
        "title:" + _norm(r.title.en) if _norm(r.title.en) else "",
    ]


# --- the seed of a group -------------------------------------------------------------------


def researcher_entry(r: ResearcherRecord, *, org_names: tuple[str, ...], language: str) -> dict:
    """The Researcher row of a researchmap researcher (department from the affiliation at the
    organisation when one names it, else the first)."""
    chosen = None
    for aff in r.affiliations:
        names = (aff["affiliation"].ja, aff["affiliation"].en)
        if any(n and o and (o in n or n in o) for n in names for o in org_names):
            chosen = aff
            break
    if chosen is None and r.affiliations:
        chosen = r.affiliations[0]
    department = chosen["section"].pick(language) if chosen else ""
    return {
        "name": r.name.ja or r.name.en,
        "name_en": r.name.en if r.name.ja else "",
        "department": department[:200],
        "researchmap_id": r.permalink,
        "jglobal_id": r.jglobal_id,
        "cross_appointment_available": False,
    }


def keywords_of(researchers: list[ResearcherRecord], language: str) -> tuple[list[str], str]:
    """Keywords from the researchers' research interests and areas (interests first), and the
    field of the first research area."""
    words: list[str] = []
    field_name = ""
    for r in researchers:
        for item in r.items.get("research_interests", []):
            try:
                value = multi(
                    item.data.get("keyword", item.data.get("research_keyword")), "keyword"
                )
            except ItemError:
                continue
            words.append(value.pick(language))
    for r in researchers:
        for item in r.items.get("research_areas", []):
            try:
                area = multi(item.data.get("research_field"), "research_field")
                sub = multi(item.data.get("research_keyword"), "research_keyword")
            except ItemError:
                continue
            if area and not field_name:
                field_name = area.pick(language)[:100]
            if sub:
                words.append(sub.pick(language))
    out: list[str] = []
    for word in words:
        for part in re.split(r"[、,;；]", word or ""):
            part = part.strip()
            if part and len(part) <= 100 and part not in out:
                out.append(part)
    return out[:MAX_KEYWORDS], field_name


def _lang_of(title: Multi) -> str:
    return Language.JA if title.ja else Language.EN


def project_seed(group: list[Project], researchers: list[dict], keywords, field_name) -> dict:
    """Seed data of one research project (registered by one researcher or several)."""
    lead = group[0]
    lang = _lang_of(lead.title)
    title = lead.title.pick(lang)
    summary = next((p.description.pick(lang) for p in group if p.description), "")
    if not summary:
        facts = [
            lead.system_name.pick(lang),
            lead.offer_organization.pick(lang),
            lead.period,
            lead.grant_number,
        ]
        facts = [f for f in facts if f]
        summary = (
            f"{title}" + (f" ({' / '.join(facts)})" if facts else "")
            if lang == Language.EN
            else f"研究課題「{title}」" + (f" ({' / '.join(facts)})" if facts else "")
        )
    return _seed(title, summary, keywords, field_name, researchers, [], "joint_research")


def patent_seed(group: list[PatentRight], researchers, keywords, field_name) -> dict:
    """Seed data of one patent family: every right attached."""
    lead = next((r for r in group if r.title), group[0])
    lang = _lang_of(lead.title) if lead.title else Language.JA
    title = lead.title.pick(lang) or lead.application_number or lead.patent_number
    summary = next((r.description.pick(lang) for r in group if r.description), "")
    if not summary:
        numbers = []
        for r in group:
            numbers += [n for n in (r.application_number, r.patent_number) if n]
        joined = ", ".join(dict.fromkeys(numbers))
        summary = (
            f"Patent: {title}" + (f" ({joined})" if joined else "")
            if lang == Language.EN
            else f"特許「{title}」" + (f" ({joined})" if joined else "")
        )
    patents = [
        {
            "application_number": r.application_number,
            "registration_number": r.patent_number,
            "title": r.title.pick(lang)[:300],
            "license_available": True,
        }
        for r in group
    ]
    return _seed(title, summary, keywords, field_name, researchers, patents, "license")


def _seed(title, summary, keywords, field_name, researchers, patents, mode) -> dict:
    if len(title) > 300:
        raise ItemError("title", Text(N_("タイトルは %(max)d 文字以内にしてください。"), max=300))
    if len(summary) > 20000:
        raise ItemError(
            "description", Text(N_("概要は %(max)d 文字以内にしてください。"), max=20000)
        )
    return {
        "title": title,
        "summary": summary,
        "keywords": keywords,
        "field": field_name,
        "language": detect_language(f"{title}\n{summary}"),
        "collaboration_modes": [CollaborationMode(mode).value],
        "researchers": researcher_rows(researchers),
        "patents": patent_rows(patents),
    }


def skipped(a: Achievement, reason: Text | str, title: str = "") -> Problem:
    return Problem(
        record=a.record, researcher=a.permalink, type=a.type, id=a.id, reason=reason, title=title
    )
