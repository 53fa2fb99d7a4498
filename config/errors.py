"""Error pages, and JSON instead of HTML under /api/ (a client of the API never has to parse an
HTML page): 400, 403 (including a CSRF failure), 404, 500, the 503 of a database that went away
mid-request, and the 429 of a sign-in lockout (django-axes calls `lockout_response`)."""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception, template_name="400.html"):
    if _is_api(request):
        return JsonResponse({"detail": _("リクエストが正しくありません。")}, status=400)
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    if _is_api(request):
        return JsonResponse({"detail": _("この操作を行う権限がありません。")}, status=403)
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name="404.html"):
    if _is_api(request):
        return JsonResponse({"detail": _("見つかりません。")}, status=404)
    return defaults.page_not_found(request, exception, template_name)


# Seconds a client is asked to wait after a 503: Django opens a new connection on the next
# request, so one retry a little later normally succeeds (docs/reliability.md).
DATABASE_RETRY_AFTER = 5


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After, for a request whose database connection broke (PostgreSQL
    restarted, a connection cut): nothing to fix on the client's side but to try again. The
    page is rendered without a request context (its processors would query the database)."""
    if _is_api(request):
        response = JsonResponse(
            {
                "detail": _(
                    "データベースに一時的に接続できません。少し待ってから再度お試しください。"
                )
            },
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def server_error(request, template_name="500.html"):
    # Django calls this inside its `except` block: the exception is the one being handled.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse({"detail": _("サーバーでエラーが発生しました。")}, status=500)
    return defaults.server_error(request, template_name)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("CSRF の検証に失敗しました。トークン認証を使ってください。")}, status=403
        )
    return django_csrf_failure(request, reason)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """What django-axes answers after too many failed sign-ins (429): JSON under /api/, else
    the sign-in page's message, in the reader's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "サインインの失敗が続いたため、%(minutes)s分間ロックされています。"
        "時間をおいてから再度お試しいただくか、パスワードを再設定してください。"
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": str(message)}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
