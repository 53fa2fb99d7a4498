"""One researchmap import run: store the data, read it in the background, write the drafts.

`researchmap_import_create` checks the file (size, text encoding, JSON) and stores it on a new
pending `ResearchmapImport`; a file that cannot be read at all is refused there, with a clear
message, and nothing is written. `researchmap_import_run` (the Celery task
`profiles.tasks.run_researchmap_import`, or the command in-process) reads every researcher and
achievement, reports each record it cannot read with the reason, and writes the others in one
transaction:

- a new research project or patent family becomes a **draft** seed (`seed_create`: drafts are
  never published by the importer);
- a known one (its researchmap achievement id was imported before) updates the same seed,
  field by field, three ways: a field researchmap did not change is left alone; a field the
  office has not touched (its value is still the one last imported) takes the new value while
  the seed is a draft; a field the office edited by hand, and every field of a published seed,
  keeps its value and the new researchmap value waits in `ImportedSeed.pending` for the office
  to take or leave (`review.py`);
- a seed the office discarded is not brought back.

The run locks the import row and the organisation (one import of an organisation at a time)
and commits "done" with the rows it wrote, so a second delivery of the task does nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.dispatch import enqueue
from profiles import access
from profiles.choices import ACADEMIC_KINDS, PublicationStatus
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
    FileFormatError,
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

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
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
STUCK_AFTER = timedelta(minutes=15)


def decode_upload(content: bytes | str) -> str:
    """UTF-8 (with or without BOM) text without NUL characters, or a ValidationError."""
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise ValidationError({"file": [_("ファイルが大きすぎます (20 MB まで)。")]})
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                {
                    "file": [
                        _("UTF-8 のテキストではありません。researchmap の JSON を選んでください。")
                    ]
                }
            ) from exc
    if len(content.encode("utf-8")) > MAX_BYTES:
        raise ValidationError({"file": [_("ファイルが大きすぎます (20 MB まで)。")]})
    if "\x00" in content:
        raise ValidationError({"file": [_("NUL 文字を含めることはできません。")]})
    return content


def check_file(content: bytes | str) -> tuple[str, int]:
    """The text of an importable file and its number of documents; a ValidationError naming
    the reason (not JSON, not UTF-8, too large, empty) when nothing of it could be read."""
    text = decode_upload(content)
    try:
        documents, _problems = read_documents(text)
    except FileFormatError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    return text, len(documents)


def _require_academic(org: Organization) -> None:
    if org.kind not in ACADEMIC_KINDS:
        raise ValidationError(
            {"organization": [_("研究シーズを登録できるのは大学・研究機関のみです。")]}
        )


@transaction.atomic
def researchmap_import_create(
    *,
    org: Organization,
    by,
    source: str,
    content: bytes | str,
    label: str = "",
    initial_errors: list[dict] | None = None,
    run_in_background: bool = True,
) -> ResearchmapImport:
    """Store researchmap data on a new pending import (and enqueue its run once this
    transaction commits, unless the caller runs it itself)."""
    access.require_member(org=org, by=by)
    _require_academic(org)
    text, count = check_file(content)
    imp = ResearchmapImport.objects.create(
        organization=org,
        user=by if getattr(by, "is_authenticated", False) else None,
        source=source,
        label=(label or "")[:300],
        content=text,
        total_records=count,
        report={"errors": list(initial_errors or [])},
    )
    if run_in_background:
        enqueue("profiles.tasks.run_researchmap_import", imp.id)
    return imp


def _fail(import_id: int, message: str) -> None:
    with transaction.atomic():
        imp = ResearchmapImport.objects.select_for_update().filter(pk=import_id).first()
        if imp is None or imp.is_finished:
            return
        imp.status = ResearchmapImport.Status.FAILED
        imp.error = str(message)
        imp.finished_at = timezone.now()
        imp.content = ""
        imp.save(update_fields=["status", "error", "finished_at", "content"])


def researchmap_import_run(*, import_id: int) -> ResearchmapImport | None:
    """Run one import (a finished or missing one is left alone)."""
    with transaction.atomic():
        imp = ResearchmapImport.objects.select_for_update().filter(pk=import_id).first()
        if imp is None or imp.is_finished:
            return imp
        imp.status = ResearchmapImport.Status.RUNNING
        imp.started_at = imp.started_at or timezone.now()
        imp.attempts += 1
        imp.save(update_fields=["status", "started_at", "attempts"])
    try:
        with transaction.atomic():
            imp = (
                ResearchmapImport.objects.select_for_update(of=("self",))
                .select_related("organization", "user")
                .get(pk=import_id)
            )
            if imp.is_finished:
                return imp
            # One import of an organisation at a time: they share the achievement keys.
            Organization.objects.select_for_update().filter(pk=imp.organization_id).first()
            imp.report = _Importer(imp).run()
            imp.status = ResearchmapImport.Status.DONE
            imp.error = ""
            imp.finished_at = timezone.now()
            imp.content = ""
            imp.save(update_fields=["report", "status", "error", "finished_at", "content"])
    except (OperationalError, InterfaceError):
        raise  # the database may come back: the task retries
    except FileFormatError as exc:
        _fail(import_id, str(exc))
    except PermissionDenied as exc:
        _fail(import_id, str(exc) or _("この組織のメンバーのみが編集できます。"))
    except Exception as exc:
        logger.exception("researchmap import %s failed", import_id)
        _fail(
            import_id, _("取り込みに失敗しました (%(reason)s)。") % {"reason": type(exc).__name__}
        )
    return ResearchmapImport.objects.filter(pk=import_id).first()


def researchmap_imports_sweep(*, stuck_after: timedelta = STUCK_AFTER) -> dict[str, int]:
    """Runs a lost worker left: running past the task's time limit fails; pending that long is
    enqueued again (the run is idempotent)."""
    cutoff = timezone.now() - stuck_after
    failed = requeued = 0
    for import_id in ResearchmapImport.objects.filter(
        status=ResearchmapImport.Status.RUNNING, started_at__lt=cutoff
    ).values_list("id", flat=True):
        _fail(import_id, _("処理が時間内に終わらなかったため中止しました。"))
        failed += 1
    for import_id in ResearchmapImport.objects.filter(
        status=ResearchmapImport.Status.PENDING, created_at__lt=cutoff
    ).values_list("id", flat=True):
        enqueue("profiles.tasks.run_researchmap_import", import_id)
        requeued += 1
    return {"researchmap_failed": failed, "researchmap_requeued": requeued}


# --- the run -------------------------------------------------------------------------------


def seed_values(seed: Seed) -> dict:
    """The seed's current values of MERGED_FIELDS, in the stored (JSON) form."""
    values = {f: getattr(seed, f) for f in MERGED_FIELDS if f not in ("researchers", "patents")}
    values["researchers"] = [
        {f: getattr(r, f) for f in svc.RESEARCHER_FIELDS} for r in seed.researchers.all()
    ]
    values["patents"] = [{f: getattr(p, f) for f in svc.PATENT_FIELDS} for p in seed.patents.all()]
    return values


class _Importer:
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
                reason=exc.message,
            )
        )

    def run(self) -> dict:
        access.require_member(org=self.org, by=self.by)
        _require_academic(self.org)
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
                            _("特許権以外の産業財産権 (%(kind)s) は下書きにしません。")
                            % {"kind": right.kind},
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
            ).select_related("imported_seed")
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
                    self._write(kind, imported, members, build)
            except ItemError as exc:
                self.item_problem(members[0].achievement, exc)
            except ValidationError as exc:
                messages = (
                    [f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms]
                    if hasattr(exc, "error_dict")
                    else exc.messages
                )
                self.item_problem(members[0].achievement, ItemError("", "; ".join(messages)))

    def _write(self, kind: str, imported: ImportedSeed | None, members: list, build) -> None:
        lead = members[0]
        lang = "ja" if lead.title.ja else "en"
        people = []
        for m in members:
            record = self.researchers[m.achievement.permalink]
            if record not in people:
                people.append(record)
        if imported is not None and imported.is_discarded:
            self._keys(imported, members)
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
        self._keys(imported, members)
        ResearchmapImportSeed.objects.create(
            run=self.imp, imported_seed=imported, action=action, changed=changed, held=held
        )
        self.counts[action] += 1

    def _merge(self, imported: ImportedSeed, data: dict) -> tuple[list[str], list[str]]:
        """Three-way merge of the new researchmap values into the seed (see the module)."""
        seed = Seed.objects.select_for_update().get(pk=imported.seed_id)
        current = seed_values(seed)
        base = dict(imported.imported or {})
        pending = dict(imported.pending or {})
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

    def _keys(self, imported: ImportedSeed, members: list) -> None:
        for m in members:
            a = m.achievement
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
