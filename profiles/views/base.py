"""Helpers the profiles pages share."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


def safe_next(request: HttpRequest) -> str | None:
    """The `next` address of a form, only when it points back into this site."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


STATUS_MESSAGES = {
    "publish": _("公開しました。"),
    "unpublish": _("下書きに戻しました。"),
    "archive": _("アーカイブしました。"),
}
