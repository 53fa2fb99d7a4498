"""Forms of accounts: registration of an organisation, invitations, the account page,
members' roles, the password reset that sends its e-mail from a worker."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.ids import PK_MAX
from outbox.dispatch import enqueue
from profiles.choices import PREFECTURE_CHOICES, MemberRole, OrgKind
from profiles.forms.fields import CleanTextMixin


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


class OrganizationDecisionForm(forms.Form):
    """A coordinator's approval or rejection of a registered organisation (console)."""

    organization = forms.IntegerField(min_value=1, max_value=PK_MAX)
    action = forms.ChoiceField(choices=[("approve", _("承認")), ("reject", _("却下"))])
