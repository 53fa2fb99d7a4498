"""Writing one researchmap import: the readable records become draft seeds or update the
seeds they made before, field by field, three ways (run.py describes the rules; `Importer` is
what `researchmap_import_run` calls inside its transaction)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from profiles import access
from profiles.choices import ACADEMIC_KINDS, PublicationStatus
from profiles.deferred import N_, Text
from profiles.models import (
    ImportedAchievement,
    ImportedSeed,
    Organization,
    ResearchmapImport,
    ResearchmapImportSeed,
    Seed,
)
from profiles.services import catalog as svc

from .format import (
    ItemError,
    Problem,
    ResearcherRecord,
    multi,
    read_documents,
    read_researchers,
)
from .mapping import (
    PATENT_TYPES,
    group_by_keys,
    keywords_of,
    patent_keys,
    patent_seed,
    project_keys,
    project_seed,
    read_patent,
    read_project,
    researcher_entry,
    skipped,
)

# Every field the importer writes, compared three ways on a re-import.
MERGED_FIELDS = (
    "title",
    "summary",
    "keywords",
    "field",
    "language",
    "collaboration_modes",
    "researchers",
    "patents",
)


def require_academic(org: Organization) -> None:
    if org.kind not in ACADEMIC_KINDS:
        raise ValidationError(
            {"organization": [_("研究シーズを登録できるのは大学・研究機関のみです。")]}
        )


def seed_values(seed: Seed) -> dict:
    """The seed's current values of MERGED_FIELDS, in the stored (JSON) form."""
    values = {f: getattr(seed, f) for f in MERGED_FIELDS if f not in ("researchers", "patents")}
    values["researchers"] = [
        {f: getattr(r, f) for f in svc.RESEARCHER_FIELDS} for r in seed.researchers.all()
    ]
    values["patents"] = [{f: getattr(p, f) for f in svc.PATENT_FIELDS} for p in seed.patents.all()]
    return values


class Importer:
    def __init__(self, imp: ResearchmapImport):
        self.imp = imp
        self.org = imp.organization
        self.by = imp.user
        self.errors: list[dict] = list((imp.report or {}).get("errors", []))
        self.skipped: list[dict] = []
        self.counts = {a: 0 for a in ResearchmapImportSeed.Action.values}
        self.org_names = tuple(n for n in (self.org.name, self.org.name_en) if n)

    def problem(self, p: Problem) -> None:
        self.errors.append(p.as_dict())

    def item_problem(self, a, exc: ItemError) -> None:
        self.problem(
            Problem(
                record=a.record,
                researcher=a.permalink,
                type=a.type,
                id=a.id,
                field=exc.field,
                reason=exc.text,
            )
        )

    def run(self) -> dict:
        access.require_member(org=self.org, by=self.by)
        require_academic(self.org)
        documents, problems = read_documents(self.imp.content)
        researchers, more = read_researchers(documents)
        for p in problems + more:
            self.problem(p)
        self.researchers = {r.permalink: r for r in researchers}
        self._check_profile_items(researchers)
        projects, patents = self._read_achievements(researchers)
        for group in group_by_keys(projects, project_keys):
            relevant = [p for p in group if p.industry]
            if not relevant:
                for p in group:
                    self.skipped.append(
                        skipped(
                            p.achievement,
                            _(
                                "産業との関連が見つかりません (共同研究・実用化などの記載がありません)。"
                            ),
                            p.title.pick("ja"),
                        ).as_dict()
                    )
                continue
            ordered = relevant + [p for p in group if not p.industry]
            self._group(ImportedSeed.Kind.PROJECT, ordered, project_seed)
        for group in group_by_keys(patents, patent_keys):
            self._group(ImportedSeed.Kind.PATENT_FAMILY, group, patent_seed)
        ignored: dict[str, int] = {}
        for r in researchers:
            for kind, n in r.ignored.items():
                ignored[kind] = ignored.get(kind, 0) + n
        return {
            "researchers": len(researchers),
            "records": len(documents),
            "papers": sum(len(r.items.get("published_papers", [])) for r in researchers),
            "counts": self.counts,
            "ignored_types": ignored,
            "errors": self.errors,
            "skipped": self.skipped,
        }

    def _check_profile_items(self, researchers: list[ResearcherRecord]) -> None:
        """Interests, areas and papers that cannot be read are reported (and left out)."""
        fields = {
            "research_interests": ("keyword",),
            "research_areas": ("research_field", "research_keyword"),
            "published_papers": ("paper_title",),
        }
        for r in researchers:
            for kind, names in fields.items():
                keep = []
                for a in r.items.get(kind, []):
                    try:
                        for name in names:
                            multi(a.data.get(name), name)
                    except ItemError as exc:
                        self.item_problem(a, exc)
                        continue
                    keep.append(a)
                if kind in r.items:
                    r.items[kind] = keep

    def _read_achievements(self, researchers):
        projects, patents = [], []
        for r in researchers:
            for a in r.items.get("research_projects", []):
                try:
                    projects.append(read_project(a))
                except ItemError as exc:
                    self.item_problem(a, exc)
            for a in r.items.get("industrial_property_rights", []):
                try:
                    right = read_patent(a)
                except ItemError as exc:
                    self.item_problem(a, exc)
                    continue
                if right.kind not in PATENT_TYPES:
                    self.skipped.append(
                        skipped(
                            a,
                            Text(
                                N_("特許権以外の産業財産権 (%(kind)s) は下書きにしません。"),
                                kind=right.kind,
                            ),
                            right.title.pick("ja"),
                        ).as_dict()
                    )
                    continue
                patents.append(right)
        return projects, patents

    def _group(self, kind: str, group: list, build) -> None:
        """Write the seed (or seeds) of one project or patent family."""
        keyed = {
            (a.achievement_type, a.achievement_id): a.imported_seed
            for a in ImportedAchievement.objects.filter(
                organization=self.org,
                achievement_type=group[0].achievement.type,
                achievement_id__in=[m.achievement.id for m in group],
            ).select_related("imported_seed__seed")
        }
        parts: dict[int | None, list] = {}
        seeds: dict[int, ImportedSeed] = {}
        for m in group:
            imported = keyed.get((m.achievement.type, m.achievement.id))
            if imported is not None:
                seeds[imported.pk] = imported
            parts.setdefault(imported.pk if imported else None, []).append(m)
        if None in parts and len(parts) > 1:
            # New rights of a family (or registrations of a project) join its existing seed.
            first = next(k for k in parts if k is not None)
            parts[first] += parts.pop(None)
        for key, members in parts.items():
            imported = seeds.get(key) if key is not None else None
            try:
                with transaction.atomic():
                    self._write(kind, imported, members, build, keyed)
            except ItemError as exc:
                self.item_problem(members[0].achievement, exc)
            except ValidationError as exc:
                messages = (
                    [f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms]
                    if hasattr(exc, "error_dict")
                    else exc.messages
                )
                self.item_problem(members[0].achievement, ItemError("", "; ".join(messages)))

    def _write(
        self, kind: str, imported: ImportedSeed | None, members: list, build, keyed: dict
    ) -> None:
        lead = members[0]
        lang = "en" if (lead.title.en and not lead.title.ja) else "ja"
        people = []
        for m in members:
            record = self.researchers[m.achievement.permalink]
            if record not in people:
                people.append(record)
        if imported is not None and imported.is_discarded:
            self._keys(imported, members, keyed)
            for m in members:
                self.skipped.append(
                    skipped(
                        m.achievement,
                        _("破棄したシーズの業績のため取り込みませんでした。"),
                        m.title.pick("ja"),
                    ).as_dict()
                )
            return
        keywords, field_name = keywords_of(people, lang)
        entries = [researcher_entry(p, org_names=self.org_names, language=lang) for p in people]
        data = build(members, entries, keywords, field_name)
        source = self._source(kind, members, people)
        if imported is None:
            seed = svc.seed_create(org=self.org, by=self.by, data=data)
            imported = ImportedSeed.objects.create(
                organization=self.org,
                seed=seed,
                kind=kind,
                title=seed.title[:300],
                imported={f: data[f] for f in MERGED_FIELDS},
                pending={},
                source=source,
                first_import=self.imp,
                last_import=self.imp,
            )
            action, changed, held = ResearchmapImportSeed.Action.CREATED, [], []
        else:
            changed, held = self._merge(imported, data)
            imported.source = source
            imported.last_import = self.imp
            imported.title = imported.seed.title[:300]
            imported.save()
            action = (
                ResearchmapImportSeed.Action.HELD
                if held
                else ResearchmapImportSeed.Action.UPDATED
                if changed
                else ResearchmapImportSeed.Action.UNCHANGED
            )
        self._keys(imported, members, keyed)
        ResearchmapImportSeed.objects.create(
            run=self.imp, imported_seed=imported, action=action, changed=changed, held=held
        )
        self.counts[action] += 1

    def _merge(self, imported: ImportedSeed, data: dict) -> tuple[list[str], list[str]]:
        """Three-way merge of the new researchmap values into the seed (see the module)."""
        base = dict(imported.imported or {})
        pending = dict(imported.pending or {})
        if all(data[name] == base.get(name) for name in MERGED_FIELDS):
            # researchmap changed nothing since the last import: nothing to compare or write.
            imported.pending = {}
            return [], []
        seed = Seed.objects.select_for_update().get(pk=imported.seed_id)
        current = seed_values(seed)
        draft = seed.status == PublicationStatus.DRAFT
        apply: dict = {}
        changed: list[str] = []
        held: list[str] = []
        for name in MERGED_FIELDS:
            new = data[name]
            if new == base.get(name):
                pending.pop(name, None)  # researchmap did not change it
            elif current[name] == new:
                base[name] = new
                pending.pop(name, None)
            elif draft and current[name] == base.get(name):
                apply[name] = new
                base[name] = new
                pending.pop(name, None)
                changed.append(name)
            else:
                pending[name] = new  # edited by hand, or published: the office decides
                held.append(name)
        if apply:
            svc.seed_update(seed=seed, by=self.by, data=apply)
        imported.seed = seed
        imported.imported = base
        imported.pending = pending
        return changed, held

    def _keys(self, imported: ImportedSeed, members: list, keyed: dict) -> None:
        """Point every member's achievement key at `imported` (those already there are left
        alone: a re-import of the same data writes no key)."""
        for m in members:
            a = m.achievement
            known = keyed.get((a.type, a.id))
            if known is not None and known.pk == imported.pk:
                continue
            ImportedAchievement.objects.update_or_create(
                organization=self.org,
                achievement_type=a.type,
                achievement_id=a.id,
                defaults={"imported_seed": imported, "permalink": a.permalink},
            )

    def _source(self, kind: str, members: list, people: list[ResearcherRecord]) -> dict:
        source: dict = {
            "researchers": [
                {
                    "permalink": p.permalink,
                    "name": p.name.ja or p.name.en,
                    "papers": len(p.items.get("published_papers", [])),
                }
                for p in people
            ],
            "achievements": [
                {
                    "type": m.achievement.type,
                    "id": m.achievement.id,
                    "permalink": m.achievement.permalink,
                    "title": m.title.pick("ja"),
                }
                for m in members
            ],
        }
        if kind == ImportedSeed.Kind.PROJECT:
            source["grant_numbers"] = list(
                dict.fromkeys(m.grant_number for m in members if m.grant_number)
            )
            source["industry"] = list(dict.fromkeys(t for m in members for t in m.industry))
            source["system_name"] = members[0].system_name.pick("ja")
            source["period"] = members[0].period
        else:
            source["rights"] = [
                {
                    "application_number": m.application_number,
                    "application_date": m.application_date,
                    "patent_number": m.patent_number,
                    "registration_date": m.registration_date,
                }
                for m in members
            ]
        return source
