"""The message form: text and files (several at once). Shapes only; the rules (empty, length,
control characters, types and sizes by content, rate) are `messaging.services.threads`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("メッセージ本文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("プレーンテキストです。URL はリンクになります。"),
    )
    files = MultipleFileField(label=_("添付ファイル"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made per form: in the reader's language, with the limit in force.
        self.fields["files"].help_text = _(
            "PDF・画像 (PNG, JPEG, GIF, WebP)・Word・Excel・PowerPoint、1ファイル %(mb)s MB まで"
        ) % {"mb": f"{settings.MESSAGING_ATTACHMENT_MAX_BYTES / (1024 * 1024):g}"}
        # The service says what is wrong with the text (NUL included), in one place.
        self.fields["body"].validators = []
