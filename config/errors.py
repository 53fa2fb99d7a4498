"""Error pages, and JSON instead of HTML under /api/ (a client of the API never has to parse an
HTML page): 400, 403 (including a CSRF failure), 404 and 500."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
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


def server_error(request, template_name="500.html"):
    if _is_api(request):
        return JsonResponse({"detail": _("サーバーでエラーが発生しました。")}, status=500)
    return defaults.server_error(request, template_name)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("CSRF の検証に失敗しました。トークン認証を使ってください。")}, status=403
        )
    return django_csrf_failure(request, reason)
