"""Forms of collaboration readiness: the profile, the track record per fiscal year, the
fair-price estimator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from profiles.access import org_of
from profiles.choices import MAX_YEN, OrgKind
from profiles.display import org_display_name
from profiles.forms.fields import CleanTextMixin
from profiles.models import ReadinessProfile, TrackRecord
from profiles.selectors.catalog import needs_visible_to
from profiles.selectors.readiness import academic_orgs_visible_to
from profiles.services.readiness import PROFILE_EDITABLE_FIELDS, TRACK_RECORD_FIELDS


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
