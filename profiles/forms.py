"""Every form of the profiles pages, with the fields and clean helpers they share.

Forms check shapes (types, choices, lengths, NUL bytes, ranges between two fields); the rules
that span rows live in `profiles.services`, whose ValidationError `apply_service_errors` shows
next to the fields it names.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.text import MESSAGE as CONTROL_CHARACTERS_MESSAGE
from config.text import has_control_characters
from outbox.dispatch import enqueue
from profiles import links
from profiles.access import org_of
from profiles.choices import (
    MAX_YEN,
    PREFECTURE_CHOICES,
    TRL_MAX,
    TRL_MIN,
    CollaborationMode,
    InvestorKind,
    Language,
    MemberRole,
    OrgKind,
    PublicationStatus,
    Region,
    Stage,
)
from profiles.display import org_display_name
from profiles.models import Organization, ReadinessProfile, Seed, TrackRecord
from profiles.selectors.catalog import needs_visible_to
from profiles.selectors.readiness import academic_orgs_visible_to
from profiles.services.imports.jobs import MAX_CATALOG_BYTES
from profiles.services.readiness import (
    PROFILE_EDITABLE_FIELDS,
    TRACK_RECORD_FIELDS,
)

KEYWORD_SPLIT = re.compile(r"[,、，;；\n]+")


class KeywordsField(forms.CharField):
    """Keywords typed as one line separated by commas or 、 (how IP offices write them)."""

    def __init__(self, **kw):
        kw.setdefault("required", False)
        kw.setdefault("max_length", 2000)
        kw.setdefault("help_text", _("カンマ (,) または読点 (、) で区切って入力します。"))
        super().__init__(**kw)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        out: list[str] = []
        for part in KEYWORD_SPLIT.split(text or ""):
            part = part.strip()
            if part and part not in out:
                out.append(part)
        if any(len(p) > 100 for p in out):
            raise ValidationError(_("キーワードは1つ100文字以内にしてください。"))
        return out


def _trl_choices():
    return [("", _("未設定")), *[(str(i), str(i)) for i in range(TRL_MIN, TRL_MAX + 1)]]


class TrlField(forms.TypedChoiceField):
    def __init__(self, **kw):
        kw.setdefault("required", False)
        super().__init__(choices=_trl_choices, coerce=int, empty_value=None, **kw)


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (others at the top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class CleanTextMixin:
    """Refuses control characters (NUL, ESC, …) in every text field and list of texts; the rule
    is `config.text`, the same as the API's."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            texts = value if isinstance(value, (list, tuple)) else [value]
            if any(isinstance(t, str) and has_control_characters(t) for t in texts):
                self.add_error(name, CONTROL_CHARACTERS_MESSAGE)
        return data


class NewAccountForm(forms.Form):
    """A user name and a password typed twice: what every new account needs (registration of
    an organisation, acceptance of an invitation)."""

    username = forms.CharField(
        label=_("ユーザー名"),
        max_length=150,
        help_text=_("半角英数字と @ . + - _ が使えます。"),
    )
    password1 = forms.CharField(label=_("パスワード"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("パスワード (確認)"), widget=forms.PasswordInput, strip=False
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        user_model = get_user_model()
        try:
            user_model.username_validator(username)
        except ValidationError as exc:
            raise ValidationError(_("半角英数字と @ . + - _ のみ使えます。")) from exc
        if user_model.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("このユーザー名はすでに使われています。"))
        return username

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("パスワードが一致しません。"))
        elif p1:
            try:
                validate_password(p1)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class OrganizationRegisterForm(CleanTextMixin, NewAccountForm):
    kind = forms.ChoiceField(label=_("組織の種別"), choices=OrgKind.choices)
    name = forms.CharField(label=_("組織名"), max_length=200)
    name_en = forms.CharField(label=_("英語名称"), max_length=200, required=False)
    prefecture = forms.ChoiceField(
        label=_("都道府県"), choices=[("", "---------"), *PREFECTURE_CHOICES]
    )
    website = forms.URLField(label=_("ウェブサイト"), required=False, assume_scheme="https")
    contact_email = forms.EmailField(label=_("連絡先メール"))
    description = forms.CharField(
        label=_("組織の紹介"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    email = forms.EmailField(label=_("担当者のメール"))
    field_order = [
        "kind",
        "name",
        "name_en",
        "prefecture",
        "website",
        "contact_email",
        "description",
        "username",
        "email",
        "password1",
        "password2",
    ]


class InvitationAcceptForm(CleanTextMixin, NewAccountForm):
    last_name = forms.CharField(label=_("姓"), max_length=150)
    first_name = forms.CharField(label=_("名"), max_length=150)
    field_order = ["last_name", "first_name", "username", "password1", "password2"]


class AccountForm(CleanTextMixin, forms.Form):
    last_name = forms.CharField(label=_("姓"), max_length=150, required=False)
    first_name = forms.CharField(label=_("名"), max_length=150, required=False)
    email = forms.EmailField(label=_("メールアドレス"))
    language = forms.ChoiceField(
        label=_("表示言語"),
        choices=settings.LANGUAGES,
        help_text=_("画面と、産学マッチから届くメールの言語です。"),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("招待する方のメールアドレス"))
    role = forms.ChoiceField(label=_("役割"), choices=MemberRole.choices, initial=MemberRole.STAFF)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("役割"), choices=MemberRole.choices)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the e-mail sent by a worker in the user's own language
    (an unknown address gets the same answer and no e-mail)."""

    def save(self, *args, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            enqueue("profiles.tasks.send_password_reset_email", user.pk)


class SeedForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("タイトル"), max_length=300)
    summary = forms.CharField(
        label=_("公開概要"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("登録しているすべての組織に公開されます。マッチングにはこの文章を使います。"),
    )
    confidential_details = forms.CharField(
        label=_("非公開の詳細"),
        max_length=50000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("自組織と、紹介が成立した相手だけが閲覧できます。マッチングには使いません。"),
    )
    keywords = KeywordsField(label=_("キーワード"))
    field = forms.CharField(label=_("研究分野"), max_length=100, required=False)
    trl = TrlField(label=_("技術成熟度 (TRL)"))
    collaboration_modes = forms.MultipleChoiceField(
        label=_("連携形態"),
        choices=CollaborationMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    language = forms.ChoiceField(label=_("言語"), choices=Language.choices, initial=Language.JA)
    capacity = forms.IntegerField(
        label=_("受入可能な新規連携数"),
        min_value=0,
        max_value=100,
        initial=2,
        help_text=_("研究室が今受け入れられる新しい連携の数。0 にすると提案を止めます。"),
    )


def clean_researchmap_id(value: str) -> str:
    """A typed researchmap ID: a permalink, or a researchmap profile address reduced to it."""
    value = links.normalize_researchmap_id(value or "")
    if value and not links.is_researchmap_id(value):
        raise ValidationError(links.RESEARCHMAP_ID_MESSAGE % {"value": value})
    return value


def clean_jglobal_id(value: str) -> str:
    value = links.normalize_jglobal_id(value or "")
    if value and not links.is_jglobal_id(value):
        raise ValidationError(links.JGLOBAL_ID_MESSAGE % {"value": value})
    return value


class ResearcherForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("氏名"), max_length=200)
    name_en = forms.CharField(label=_("氏名 (英語)"), max_length=200, required=False)
    department = forms.CharField(label=_("所属部局"), max_length=200, required=False)
    researchmap_id = forms.CharField(
        label=_("researchmap ID"),
        max_length=100,
        required=False,
        help_text=_("パーマリンク (https://researchmap.jp/ の後ろの部分)。ページのアドレスも可。"),
    )
    jglobal_id = forms.CharField(label=_("J-GLOBAL ID"), max_length=30, required=False)
    cross_appointment_available = forms.BooleanField(
        label=_("クロスアポイントメント可"), required=False
    )

    def clean_researchmap_id(self) -> str:
        return clean_researchmap_id(self.cleaned_data.get("researchmap_id", ""))

    def clean_jglobal_id(self) -> str:
        return clean_jglobal_id(self.cleaned_data.get("jglobal_id", ""))


class PatentForm(CleanTextMixin, forms.Form):
    application_number = forms.CharField(label=_("出願番号"), max_length=100, required=False)
    registration_number = forms.CharField(label=_("登録番号"), max_length=100, required=False)
    title = forms.CharField(label=_("発明の名称"), max_length=300, required=False)
    license_available = forms.BooleanField(label=_("ライセンス可"), required=False, initial=True)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (
            data.get("application_number") or data.get("registration_number") or data.get("title")
        )


ResearcherFormSet = forms.formset_factory(
    ResearcherForm, extra=1, can_delete=True, max_num=50, validate_max=True
)


PatentFormSet = forms.formset_factory(
    PatentForm, extra=1, can_delete=True, max_num=50, validate_max=True
)


def formset_rows(formset) -> list[dict]:
    """The rows to keep: filled in, not marked for deletion (a blank patent row is skipped,
    whatever its licence checkbox says)."""
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.has_changed()
        and f.cleaned_data
        and not f.cleaned_data.get("DELETE")
        and not (hasattr(f, "is_blank") and f.is_blank())
    ]


CSV_MAX_BYTES = 5 * 1024 * 1024


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSVファイル"),
        help_text=_("UTF-8 (Excel の BOM 付きも可)。1行目は列名です。5 MB まで。"),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > CSV_MAX_BYTES:
            raise ValidationError(_("ファイルが大きすぎます (上限 5 MB)。"))
        name = (f.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise ValidationError(_("CSV ファイル (.csv) を選んでください。"))
        raw = f.read()
        if b"\x00" in raw:  # UTF-16 or a binary file
            raise ValidationError(
                _("文字コードを UTF-8 にして保存してください (Excel: CSV UTF-8)。")
            )
        return raw


class CatalogUploadForm(forms.Form):
    file = forms.FileField(
        label=_("カタログファイル (JSON)"),
        help_text=_("catalog/1 形式 (docs/catalog.md) の JSON、UTF-8。20 MB まで。"),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_CATALOG_BYTES:
            raise ValidationError(_("ファイルが大きすぎます (上限 20 MB)。"))
        if not (f.name or "").lower().endswith(".json"):
            raise ValidationError(_("JSON ファイル (.json) を選んでください。"))
        raw = f.read()
        if b"\x00" in raw:
            raise ValidationError(_("文字コードを UTF-8 にして保存してください。"))
        return raw


RESEARCHMAP_MAX_BYTES = 20 * 1024 * 1024


class ResearchmapUploadForm(forms.Form):
    """A researchmap export: JSON (one researcher or many) or JSON Lines. The content itself
    (UTF-8, JSON, researchmap V2) is checked by the import service."""

    file = forms.FileField(
        label=_("researchmap のデータ (JSON / JSON Lines)"),
        help_text=_(
            "機関管理者が researchmap から書き出した JSON または JSON Lines (1行に1人)。"
            "20 MB まで。"
        ),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > RESEARCHMAP_MAX_BYTES:
            raise ValidationError(_("ファイルが大きすぎます (20 MB まで)。"))
        name = (f.name or "").lower()
        if not name.endswith((".json", ".jsonl", ".ndjson", ".txt")):
            raise ValidationError(
                _("JSON (.json) または JSON Lines (.jsonl) のファイルを選んでください。")
            )
        return f.read()


class NeedForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("タイトル"), max_length=300)
    description = forms.CharField(
        label=_("公開説明"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("大学・研究機関に公開されます。マッチングにはこの文章を使います。"),
    )
    confidential_details = forms.CharField(
        label=_("非公開の詳細"),
        max_length=50000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("自社と、紹介が成立した相手だけが閲覧できます。マッチングには使いません。"),
    )
    keywords = KeywordsField(label=_("キーワード"))
    field = forms.CharField(label=_("分野"), max_length=100, required=False)
    collaboration_modes = forms.MultipleChoiceField(
        label=_("希望する連携形態"),
        choices=CollaborationMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    budget_min_yen = forms.IntegerField(
        label=_("予算下限 (円)"), min_value=0, max_value=MAX_YEN, required=False
    )
    budget_max_yen = forms.IntegerField(
        label=_("予算上限 (円)"), min_value=0, max_value=MAX_YEN, required=False
    )
    duration_months = forms.IntegerField(
        label=_("期間 (月)"), min_value=1, max_value=240, required=False
    )
    trl_min = TrlField(label=_("期待TRL (下限)"))
    trl_max = TrlField(label=_("期待TRL (上限)"))
    preferred_regions = forms.MultipleChoiceField(
        label=_("希望地域"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("指定しない場合は全国が対象です。"),
    )
    is_anonymous = forms.BooleanField(
        label=_("社名を非公開にする (紹介が成立するまで)"), required=False
    )
    language = forms.ChoiceField(label=_("言語"), choices=Language.choices, initial=Language.JA)

    def clean(self):
        data = super().clean()
        lo, hi = data.get("budget_min_yen"), data.get("budget_max_yen")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("budget_max_yen", _("予算上限は下限以上にしてください。"))
        lo, hi = data.get("trl_min"), data.get("trl_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("trl_max", _("TRLの上限は下限以上にしてください。"))
        return data


VENTURE_STATUS_CHOICES = [
    (PublicationStatus.PUBLISHED, _("公開 (投資家のディールフローに表示)")),
    (PublicationStatus.ARCHIVED, _("アーカイブ (非表示)")),
]


class VentureForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("社名"), max_length=200)
    summary = forms.CharField(
        label=_("概要"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("事業と技術の概要。投資家との照合に使います。"),
    )
    stage = forms.ChoiceField(label=_("ステージ"), choices=Stage.choices, initial=Stage.SEED)
    seeks = forms.CharField(
        label=_("求めているもの"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("資金調達、事業提携、人材など。"),
    )
    seeds = forms.ModelMultipleChoiceField(
        label=_("元になった研究シーズ"),
        queryset=Seed.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("自組織の研究シーズから選びます。"),
    )
    status = forms.ChoiceField(
        label=_("状態"), choices=VENTURE_STATUS_CHOICES, initial=PublicationStatus.PUBLISHED
    )

    def __init__(self, *args, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the organisation's own seeds can be chosen; another id is an invalid choice.
        self.fields["seeds"].queryset = Seed.objects.filter(organization=org).order_by("title")


class InvestorForm(CleanTextMixin, forms.Form):
    investor_kind = forms.ChoiceField(label=_("投資家の種別"), choices=InvestorKind.choices)
    thesis = forms.CharField(
        label=_("投資方針"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("注力する技術・市場・支援内容など。ベンチャーとの照合に使います。"),
    )
    fields = KeywordsField(label=_("注力分野"))
    stages = forms.MultipleChoiceField(
        label=_("投資ステージ"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ticket_min_yen = forms.IntegerField(
        label=_("投資額下限 (円)"), min_value=0, max_value=MAX_YEN, required=False
    )
    ticket_max_yen = forms.IntegerField(
        label=_("投資額上限 (円)"), min_value=0, max_value=MAX_YEN, required=False
    )
    regions = forms.MultipleChoiceField(
        label=_("対象地域"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        data = super().clean()
        lo, hi = data.get("ticket_min_yen"), data.get("ticket_max_yen")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("ticket_max_yen", _("投資額上限は下限以上にしてください。"))
        return data


class OrganizationForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("組織名"), max_length=200)
    name_en = forms.CharField(label=_("英語名称"), max_length=200, required=False)
    prefecture = forms.ChoiceField(
        label=_("都道府県"), choices=[("", "---------"), *PREFECTURE_CHOICES], required=False
    )
    website = forms.URLField(label=_("ウェブサイト"), required=False, assume_scheme="https")
    contact_email = forms.EmailField(label=_("連絡先メール"), required=False)
    description = forms.CharField(
        label=_("組織の紹介"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class ReadinessForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ReadinessProfile
        fields = PROFILE_EDITABLE_FIELDS
        widgets = {
            "as_of": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cross_appointments_with_companies"].required = False

    def clean_cross_appointments_with_companies(self):
        return self.cleaned_data.get("cross_appointments_with_companies") or 0


class TrackRecordForm(forms.ModelForm):
    class Meta:
        model = TrackRecord
        fields = ("fiscal_year", *TRACK_RECORD_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An empty count is zero, so a university fills in only what it has.
        for name in TRACK_RECORD_FIELDS:
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in TRACK_RECORD_FIELDS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class OrganizationChoiceField(forms.ModelChoiceField):
    """Organisations by name in the reader's language (the English name where there is one)."""

    def label_from_instance(self, obj) -> str:
        return org_display_name(obj)


class EstimateForm(forms.Form):
    organization = OrganizationChoiceField(queryset=None, label=_("大学・研究機関"))
    direct_costs_yen = forms.IntegerField(
        label=_("直接経費 (円)"), min_value=0, max_value=MAX_YEN, initial=0
    )
    faculty_person_months = forms.DecimalField(
        label=_("教員のエフォート (人月)"),
        min_value=0,
        max_value=1200,
        decimal_places=2,
        initial=0,
        help_text=_("例: 教員1名がエフォート10%で12か月 = 1.2人月"),
    )
    postdoc_person_months = forms.DecimalField(
        label=_("博士研究員 (人月)"), min_value=0, max_value=1200, decimal_places=2, initial=0
    )
    student_person_months = forms.DecimalField(
        label=_("学生RA (人月)"), min_value=0, max_value=1200, decimal_places=2, initial=0
    )
    need = forms.ModelChoiceField(
        queryset=None, required=False, label=_("比較するニーズの予算 (任意)")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = academic_orgs_visible_to(user=user).order_by("name")
        org = org_of(user)
        needs = needs_visible_to(user=user).none()
        if org is not None and org.kind == OrgKind.COMPANY:
            needs = needs_visible_to(user=user).filter(organization=org)
        self.fields["need"].queryset = needs


class OrganizationDecisionForm(forms.Form):
    """A coordinator's approval or rejection of a registered organisation (console)."""

    organization = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    action = forms.ChoiceField(choices=[("approve", _("承認")), ("reject", _("却下"))])
