"""Every form of the matching pages: search, a side's answer, an outcome, a coordinator's review,
interest in a seed, an investor's interest and the university's answer, an investment, a
dispute of an outcome."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models.feedback import (
    AgreementType,
    CrossAppointmentDirection,
    Decision,
    DeclineReason,
)
from matching.services import proposals as proposal_services
from profiles.choices import MAX_YEN, TRL_MAX, TRL_MIN, CollaborationMode, Region, Stage
from profiles.forms import CleanTextMixin


class SearchForm(CleanTextMixin, forms.Form):
    q = forms.CharField(
        label=_("探している技術"),
        max_length=500,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("例: 全固体電池の固体電解質 / solid-state battery")}
        ),
    )
    field = forms.CharField(label=_("分野"), max_length=100, required=False)
    region = forms.ChoiceField(
        label=_("地域"), choices=[("", _("全国")), *Region.choices], required=False
    )
    trl_min = forms.TypedChoiceField(
        label=_("TRL 下限"),
        choices=[("", "—"), *[(str(i), str(i)) for i in range(TRL_MIN, TRL_MAX + 1)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    trl_max = forms.TypedChoiceField(
        label=_("TRL 上限"),
        choices=[("", "—"), *[(str(i), str(i)) for i in range(TRL_MIN, TRL_MAX + 1)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    mode = forms.ChoiceField(
        label=_("連携形態"),
        choices=[("", _("すべて")), *CollaborationMode.choices],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("並び順"),
        choices=[("score", _("関連の高い順")), ("trl", _("TRL の高い順")), ("newest", _("新着順"))],
        required=False,
    )
    # "Show weaker matches": list the candidates below the relevance floor too.
    weak = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()

    def clean(self):
        data = super().clean()
        lo, hi = data.get("trl_min"), data.get("trl_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("trl_max", _("TRLの上限は下限以上にしてください。"))
        return data


class RespondForm(CleanTextMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("回答"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("辞退の理由"),
        choices=[("", "---------"), *DeclineReason.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("コメント (任意)"),
        max_length=proposal_services.COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.DECLINED and not data.get("reason"):
            self.add_error("reason", _("辞退の理由を選択してください。"))
        return data


class OutcomeForm(CleanTextMixin, forms.Form):
    agreement_type = forms.ChoiceField(label=_("契約の種類"), choices=AgreementType.choices)
    amount_yen = forms.IntegerField(
        label=_("金額 (円、契約全体)"), min_value=0, max_value=MAX_YEN, initial=0
    )
    duration_years = forms.IntegerField(label=_("期間 (年)"), min_value=1, max_value=50, initial=1)
    fiscal_year = forms.IntegerField(
        label=_("契約年度"), min_value=2000, max_value=2100, required=False
    )
    cross_appointment_direction = forms.ChoiceField(
        label=_("クロスアポイントメントの方向"),
        choices=[("", "---------"), *CrossAppointmentDirection.choices],
        required=False,
    )
    cross_appointment_count = forms.IntegerField(
        label=_("クロスアポイントメントの人数"), min_value=0, max_value=1000, required=False
    )
    note = forms.CharField(
        label=_("メモ"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("agreement_type") == AgreementType.CROSS_APPOINTMENT:
            if not data.get("cross_appointment_direction"):
                self.add_error(
                    "cross_appointment_direction",
                    _("クロスアポイントメントの方向を選択してください。"),
                )
        elif data.get("cross_appointment_direction"):
            self.add_error(
                "cross_appointment_direction",
                _("方向はクロスアポイントメントの場合のみ指定できます。"),
            )
        return data

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        d["cross_appointment_count"] = d.get("cross_appointment_count") or 0
        return d


class ReviewForm(CleanTextMixin, forms.Form):
    action = forms.ChoiceField(choices=[("approve", "approve"), ("suppress", "suppress")])
    note = forms.CharField(label=_("メモ"), max_length=5000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "suppress" and not (data.get("note") or "").strip():
            self.add_error("note", _("見送りの理由を入力してください。"))
        return data


# --- Interest, saved searches, investors, outcomes (issue 14) ----------------------------------

NEW_NEED = "new"


class InterestForm(CleanTextMixin, forms.Form):
    """関心を伝える: one of the company's published needs, or a short one written on the spot,
    and a message to the university."""

    need = forms.ChoiceField(label=_("どのニーズについての関心ですか"))
    new_title = forms.CharField(label=_("新しいニーズの題名"), max_length=300, required=False)
    new_description = forms.CharField(
        label=_("新しいニーズの説明 (公開)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_anonymous = forms.BooleanField(
        label=_("社名を非公開にする (紹介が成立するまで大学に社名を伝えません)"), required=False
    )
    message = forms.CharField(
        label=_("大学へのメッセージ"),
        max_length=proposal_services.REQUEST_MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("社名を非公開にしたニーズでは、メッセージにも社名を書かないでください。"),
    )

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [
            *[(str(n.pk), n.title) for n in needs],
            (NEW_NEED, _("新しいニーズをここで書く")),
        ]
        if not needs:
            self.fields["need"].initial = NEW_NEED

    def clean(self):
        data = super().clean()
        if data.get("need") == NEW_NEED:
            if not (data.get("new_title") or "").strip():
                self.add_error("new_title", _("新しいニーズの題名を入力してください。"))
            if not (data.get("new_description") or "").strip():
                self.add_error("new_description", _("新しいニーズの説明を入力してください。"))
        return data


class InvestorInterestForm(CleanTextMixin, forms.Form):
    message = forms.CharField(
        label=_("大学へのメッセージ"),
        max_length=proposal_services.REQUEST_MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvestorAnswerForm(RespondForm):
    """The venture's university answers an investor's interest (the same fields as a side's
    answer to a proposal)."""


class InvestmentForm(CleanTextMixin, forms.Form):
    """An investment in a venture (amount, stage, date), recorded by the investor."""

    venture = forms.ChoiceField(label=_("ベンチャー"))
    amount_yen = forms.IntegerField(label=_("出資額 (円)"), min_value=0, max_value=MAX_YEN)
    stage = forms.ChoiceField(label=_("ステージ"), choices=Stage.choices)
    agreed_on = forms.DateField(
        label=_("出資日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
    )
    note = forms.CharField(
        label=_("メモ"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, ventures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venture"].choices = [(str(v.pk), v.name) for v in ventures]


class DisputeForm(CleanTextMixin, forms.Form):
    note = forms.CharField(
        label=_("異議の理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
