"""Writes on what organisations publish: seeds, needs, investor profiles and ventures.

Every service is keyword-only and atomic. `data` holds already type-checked model fields (the
API serializers, CSV/JSON imports and pages validate shapes); the rules that span fields or
rows (the owner's kind, TRL and budget ranges, status transitions, who may write) live here.
Server-owned fields (organisation, status, timestamps, an auto-generated key) are never read
from `data`. `by=None` means the system itself (management commands, imports).

After a change the service sends `profiles.signals.catalog_row_changed` inside its transaction;
the matcher connects to it (matching/receivers.py) and enqueues the row's embedding. Who may
write is decided by `profiles.access`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles import links
from profiles.access import require_member
from profiles.choices import (
    ACADEMIC_KINDS,
    CollaborationMode,
    OrgKind,
    PublicationStatus,
    Region,
    Stage,
)
from profiles.models import (
    InvestorProfile,
    Need,
    Organization,
    Patent,
    Researcher,
    Seed,
    Venture,
)
from profiles.signals import send_catalog_row_changed

SEED_FIELDS = (
    "title",
    "summary",
    "confidential_details",
    "keywords",
    "field",
    "trl",
    "collaboration_modes",
    "language",
    "capacity",
)
NEED_FIELDS = (
    "title",
    "description",
    "confidential_details",
    "keywords",
    "field",
    "collaboration_modes",
    "budget_min_yen",
    "budget_max_yen",
    "duration_months",
    "trl_min",
    "trl_max",
    "preferred_regions",
    "is_anonymous",
    "language",
)
INVESTOR_FIELDS = (
    "investor_kind",
    "thesis",
    "fields",
    "stages",
    "ticket_min_yen",
    "ticket_max_yen",
    "regions",
)
VENTURE_FIELDS = ("name", "summary", "confidential_details", "stage", "seeks")
RESEARCHER_FIELDS = (
    "name",
    "name_en",
    "department",
    "researchmap_id",
    "jglobal_id",
    "cross_appointment_available",
)
PATENT_FIELDS = ("application_number", "registration_number", "title", "license_available")


# --- helpers -------------------------------------------------------------------------------


def notify_changed(kind: str, object_id: int) -> None:
    """Tell whoever listens (the matcher) that a row changed, inside this transaction."""
    send_catalog_row_changed(kind=kind, object_id=object_id)


def generate_key(prefix: str, model) -> str:
    while True:
        key = f"{prefix}-{secrets.token_hex(5)}"
        if not model.objects.filter(key=key).exists():
            return key


def _check_unique_key(model, key: str, *, instance_pk: int | None = None) -> None:
    qs = model.objects.filter(key=key)
    if instance_pk is not None:
        qs = qs.exclude(pk=instance_pk)
    if qs.exists():
        raise ValidationError({"key": [_("このキーは既に使われています。")]})


def _check_choices(name: str, values: Iterable[str], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    bad = [v for v in values if v not in allowed]
    if bad:
        # The message keeps its parameters apart, so an import report can show it in its
        # reader's language (`profiles.deferred`).
        raise ValidationError(
            {
                name: [
                    ValidationError(
                        _("不明な値です: %(values)s"), params={"values": ", ".join(bad)}
                    )
                ]
            }
        )


def _check_range(lo_name: str, lo, hi_name: str, hi) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError(
            {
                hi_name: [
                    ValidationError(_("%(lo)s 以上の値にしてください。"), params={"lo": lo_name})
                ]
            }
        )


def _apply(obj, data: dict, fields: Iterable[str]) -> list[str]:
    """Set the given fields from `data`; return the names whose value changed."""
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


def _dedupe(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


def _normalise_lists(data: dict, names: Iterable[str]) -> dict:
    data = dict(data)
    for name in names:
        if name in data and data[name] is not None:
            data[name] = _dedupe(data[name])
    return data


def _full_clean(obj) -> None:
    # Unique `key` is checked by the services with a clear message; the rest by the model.
    obj.full_clean(exclude=["organization", "key", "seeds"], validate_unique=False)


# --- seeds ---------------------------------------------------------------------------------


def _check_seed(seed: Seed) -> None:
    if seed.organization.kind not in ACADEMIC_KINDS:
        raise ValidationError(
            {"organization": [_("研究シーズを登録できるのは大学・研究機関のみです。")]}
        )
    _check_choices("collaboration_modes", seed.collaboration_modes, CollaborationMode.values)
    _full_clean(seed)


def _check_researcher_ids(items: list[dict]) -> None:
    """researchmap IDs are permalinks and J-GLOBAL IDs numbers (the rules: profiles.links)."""
    for i in items:
        rm_id = str(i.get("researchmap_id") or "")
        if rm_id and not links.is_researchmap_id(rm_id):
            raise ValidationError(
                {"researchers": [links.RESEARCHMAP_ID_MESSAGE % {"value": rm_id}]}
            )
        jg_id = str(i.get("jglobal_id") or "")
        if jg_id and not links.is_jglobal_id(jg_id):
            raise ValidationError({"researchers": [links.JGLOBAL_ID_MESSAGE % {"value": jg_id}]})


def researcher_rows(items: list[dict]) -> list[dict]:
    """The stored form of researcher dicts (every field of RESEARCHER_FIELDS, in order)."""
    return [
        {
            "name": str(i.get("name")).strip(),
            "name_en": str(i.get("name_en") or "").strip(),
            "department": i.get("department", "") or "",
            "researchmap_id": links.normalize_researchmap_id(str(i.get("researchmap_id") or "")),
            "jglobal_id": links.normalize_jglobal_id(str(i.get("jglobal_id") or "")),
            "cross_appointment_available": bool(i.get("cross_appointment_available", False)),
        }
        for i in items
    ]


def replace_researchers(seed: Seed, items: list[dict]) -> bool:
    """Replace the seed's researchers when they differ; True if anything changed. Every
    researcher has a name (not only blanks); IDs follow profiles.links."""
    if any(not str(i.get("name") or "").strip() for i in items):
        raise ValidationError({"researchers": [_("研究者の氏名を入力してください。")]})
    wanted = researcher_rows(items)
    _check_researcher_ids(wanted)
    current = [{f: getattr(r, f) for f in RESEARCHER_FIELDS} for r in seed.researchers.all()]
    if current == wanted:
        return False
    seed.researchers.all().delete()
    Researcher.objects.bulk_create([Researcher(seed=seed, **w) for w in wanted])
    return True


def patent_rows(items: list[dict]) -> list[dict]:
    """The stored form of patent dicts (every field of PATENT_FIELDS, in order)."""
    return [
        {
            "application_number": i.get("application_number", "") or "",
            "registration_number": i.get("registration_number", "") or "",
            "title": i.get("title", "") or "",
            "license_available": bool(i.get("license_available", True)),
        }
        for i in items
    ]


def replace_patents(seed: Seed, items: list[dict]) -> bool:
    """Replace the seed's patents when they differ; each names an application or registration
    number or a title."""
    if any(
        not any(
            str(i.get(f) or "").strip()
            for f in ("application_number", "registration_number", "title")
        )
        for i in items
    ):
        raise ValidationError(
            {"patents": [_("出願番号・登録番号・名称のいずれかを入力してください。")]}
        )
    current = [{f: getattr(p, f) for f in PATENT_FIELDS} for p in seed.patents.all()]
    wanted = patent_rows(items)
    if current == wanted:
        return False
    seed.patents.all().delete()
    Patent.objects.bulk_create([Patent(seed=seed, **w) for w in wanted])
    return True


@transaction.atomic
def seed_create(*, org: Organization, by, data: dict) -> Seed:
    """Create a draft seed for `org`; `researchers`/`patents` lists create their rows."""
    require_member(org=org, by=by)
    data = _normalise_lists(data, ("keywords", "collaboration_modes"))
    key = data.get("key") or generate_key("s", Seed)
    _check_unique_key(Seed, key)
    seed = Seed(organization=org, key=key, status=PublicationStatus.DRAFT)
    _apply(seed, data, SEED_FIELDS)
    _check_seed(seed)
    seed.save()
    replace_researchers(seed, data.get("researchers") or [])
    replace_patents(seed, data.get("patents") or [])
    notify_changed("seed", seed.id)
    return seed


@transaction.atomic
def seed_update(*, seed: Seed, by, data: dict) -> Seed:
    """Edit a seed's fields (and replace researchers/patents when given)."""
    require_member(org=seed.organization, by=by)
    data = _normalise_lists(data, ("keywords", "collaboration_modes"))
    changed = _apply(seed, data, SEED_FIELDS)
    related_changed = False
    if changed:
        _check_seed(seed)
        seed.save(update_fields=[*changed, "updated_at"])
    if data.get("researchers") is not None:
        related_changed |= replace_researchers(seed, data["researchers"])
    if data.get("patents") is not None:
        related_changed |= replace_patents(seed, data["patents"])
    if related_changed and not changed:
        seed.save(update_fields=["updated_at"])
    if changed or related_changed:
        notify_changed("seed", seed.id)
    return seed


def _set_status(obj, status: str, kind: str) -> None:
    if obj.status == status:
        return
    obj.status = status
    fields = ["status", "updated_at"]
    if status == PublicationStatus.PUBLISHED and hasattr(obj, "published_at"):
        obj.published_at = timezone.now()
        fields.append("published_at")
    obj.save(update_fields=fields)
    notify_changed(kind, obj.id)


def _require_approved(org: Organization) -> None:
    if not org.is_approved:
        raise ValidationError(
            {"status": [_("組織が承認されるまで公開できません。")]},
        )


@transaction.atomic
def seed_publish(*, seed: Seed, by) -> Seed:
    require_member(org=seed.organization, by=by)
    _require_approved(seed.organization)
    _set_status(seed, PublicationStatus.PUBLISHED, "seed")
    return seed


@transaction.atomic
def seed_unpublish(*, seed: Seed, by) -> Seed:
    """Back to draft (hidden from other organisations, editable)."""
    require_member(org=seed.organization, by=by)
    _set_status(seed, PublicationStatus.DRAFT, "seed")
    return seed


@transaction.atomic
def seed_archive(*, seed: Seed, by) -> Seed:
    require_member(org=seed.organization, by=by)
    _set_status(seed, PublicationStatus.ARCHIVED, "seed")
    return seed


@transaction.atomic
def seed_delete(*, seed: Seed, by) -> None:
    require_member(org=seed.organization, by=by)
    seed.delete()


# --- needs ---------------------------------------------------------------------------------


def _check_need(need: Need) -> None:
    if need.organization.kind != OrgKind.COMPANY:
        raise ValidationError({"organization": [_("企業ニーズを登録できるのは企業のみです。")]})
    _check_choices("collaboration_modes", need.collaboration_modes, CollaborationMode.values)
    _check_choices("preferred_regions", need.preferred_regions, Region.values)
    _check_range("budget_min_yen", need.budget_min_yen, "budget_max_yen", need.budget_max_yen)
    _check_range("trl_min", need.trl_min, "trl_max", need.trl_max)
    _full_clean(need)


@transaction.atomic
def need_create(*, org: Organization, by, data: dict) -> Need:
    require_member(org=org, by=by)
    data = _normalise_lists(data, ("keywords", "collaboration_modes", "preferred_regions"))
    key = data.get("key") or generate_key("n", Need)
    _check_unique_key(Need, key)
    need = Need(organization=org, key=key, status=PublicationStatus.DRAFT)
    _apply(need, data, NEED_FIELDS)
    _check_need(need)
    need.save()
    notify_changed("need", need.id)
    return need


@transaction.atomic
def need_update(*, need: Need, by, data: dict) -> Need:
    require_member(org=need.organization, by=by)
    data = _normalise_lists(data, ("keywords", "collaboration_modes", "preferred_regions"))
    changed = _apply(need, data, NEED_FIELDS)
    if changed:
        _check_need(need)
        need.save(update_fields=[*changed, "updated_at"])
        notify_changed("need", need.id)
    return need


@transaction.atomic
def need_publish(*, need: Need, by) -> Need:
    require_member(org=need.organization, by=by)
    _require_approved(need.organization)
    _set_status(need, PublicationStatus.PUBLISHED, "need")
    return need


@transaction.atomic
def need_unpublish(*, need: Need, by) -> Need:
    require_member(org=need.organization, by=by)
    _set_status(need, PublicationStatus.DRAFT, "need")
    return need


@transaction.atomic
def need_archive(*, need: Need, by) -> Need:
    require_member(org=need.organization, by=by)
    _set_status(need, PublicationStatus.ARCHIVED, "need")
    return need


@transaction.atomic
def need_delete(*, need: Need, by) -> None:
    require_member(org=need.organization, by=by)
    need.delete()


# --- investor profiles ---------------------------------------------------------------------


def _check_investor(profile: InvestorProfile) -> None:
    if profile.organization.kind != OrgKind.INVESTOR:
        raise ValidationError(
            {"organization": [_("投資家プロファイルを持てるのは投資家の組織のみです。")]}
        )
    _check_choices("stages", profile.stages, Stage.values)
    _check_choices("regions", profile.regions, Region.values)
    _check_range("ticket_min_yen", profile.ticket_min_yen, "ticket_max_yen", profile.ticket_max_yen)
    _full_clean(profile)


@transaction.atomic
def investor_profile_upsert(*, org: Organization, by, data: dict) -> InvestorProfile:
    """Create or edit the investor organisation's single profile (thesis, fields, stages…)."""
    require_member(org=org, by=by)
    data = _normalise_lists(data, ("fields", "stages", "regions"))
    profile = InvestorProfile.objects.filter(organization=org).first()
    created = profile is None
    if created:
        profile = InvestorProfile(organization=org)
    changed = _apply(profile, data, INVESTOR_FIELDS)
    if created or changed:
        _check_investor(profile)
        profile.save()
        notify_changed("investor", profile.id)
    return profile


@transaction.atomic
def investor_profile_publish(*, profile: InvestorProfile, by) -> InvestorProfile:
    require_member(org=profile.organization, by=by)
    _require_approved(profile.organization)
    _set_status(profile, PublicationStatus.PUBLISHED, "investor")
    return profile


@transaction.atomic
def investor_profile_archive(*, profile: InvestorProfile, by) -> InvestorProfile:
    require_member(org=profile.organization, by=by)
    _set_status(profile, PublicationStatus.ARCHIVED, "investor")
    return profile


# --- ventures ------------------------------------------------------------------------------


def _check_venture(venture: Venture) -> None:
    if venture.organization.kind not in ACADEMIC_KINDS:
        raise ValidationError(
            {"organization": [_("大学発ベンチャーを登録できるのは大学・研究機関のみです。")]}
        )
    _full_clean(venture)


def _set_venture_seeds(venture: Venture, seeds: list[Seed]) -> bool:
    foreign = [s.key for s in seeds if s.organization_id != venture.organization_id]
    if foreign:
        raise ValidationError({"seeds": [_("自組織の研究シーズのみ紐付けられます。")]})
    wanted = {s.id for s in seeds}
    current = set(venture.seeds.values_list("id", flat=True))
    if wanted == current:
        return False
    venture.seeds.set(seeds)
    return True


@transaction.atomic
def venture_create(*, org: Organization, by, data: dict) -> Venture:
    """Register a spin-off of `org` (published: ventures are meant to be seen by investors)."""
    require_member(org=org, by=by)
    key = data.get("key") or generate_key("v", Venture)
    _check_unique_key(Venture, key)
    venture = Venture(organization=org, key=key, status=PublicationStatus.PUBLISHED)
    _apply(venture, data, VENTURE_FIELDS)
    _check_venture(venture)
    venture.save()
    _set_venture_seeds(venture, list(data.get("seeds") or []))
    notify_changed("venture", venture.id)
    return venture


@transaction.atomic
def venture_update(*, venture: Venture, by, data: dict) -> Venture:
    require_member(org=venture.organization, by=by)
    changed = _apply(venture, data, VENTURE_FIELDS)
    if changed:
        _check_venture(venture)
        venture.save(update_fields=[*changed, "updated_at"])
    seeds_changed = False
    if data.get("seeds") is not None:
        seeds_changed = _set_venture_seeds(venture, list(data["seeds"]))
    if changed or seeds_changed:
        notify_changed("venture", venture.id)
    return venture


@transaction.atomic
def venture_publish(*, venture: Venture, by) -> Venture:
    require_member(org=venture.organization, by=by)
    _require_approved(venture.organization)
    _set_status(venture, PublicationStatus.PUBLISHED, "venture")
    return venture


@transaction.atomic
def venture_archive(*, venture: Venture, by) -> Venture:
    require_member(org=venture.organization, by=by)
    _set_status(venture, PublicationStatus.ARCHIVED, "venture")
    return venture


@transaction.atomic
def venture_delete(*, venture: Venture, by) -> None:
    require_member(org=venture.organization, by=by)
    venture.delete()
