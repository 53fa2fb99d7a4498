"""Forms of the notifications pages: the e-mail preferences (one choice per kind the person can
receive) and the filter of the notification list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind, Mode


class PreferencesForm(forms.Form):
    """One field per kind: immediately, daily digest or off."""

    def __init__(self, *args, kinds: tuple[str, ...], initial_modes: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        for kind in kinds:
            self.fields[kind] = forms.ChoiceField(
                label=labels[kind],
                choices=Mode.choices,
                initial=initial_modes.get(kind),
                widget=forms.RadioSelect,
            )


class NotificationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("表示"),
        required=False,
        choices=[("", _("すべて")), ("unread", _("未読のみ"))],
    )
    kind = forms.ChoiceField(label=_("種類"), required=False)

    def __init__(self, *args, kinds: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        self.fields["kind"].choices = [("", _("すべての種類"))] + [(k, labels[k]) for k in kinds]
