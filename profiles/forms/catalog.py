"""Forms of the catalogue an organisation writes: seeds with their researchers and patents,
needs, ventures, an investor's thesis."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from profiles import links
from profiles.choices import (
    MAX_YEN,
    CollaborationMode,
    InvestorKind,
    Language,
    PublicationStatus,
    Region,
    Stage,
)
from profiles.forms.fields import CleanTextMixin, KeywordsField, TrlField
from profiles.models import Organization, Seed


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
