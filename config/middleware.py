"""Bad input that no view should see, stopped at the door with a 400 (`RequestGuardMiddleware`).

- A JSON body nested deeper than JSON_MAX_DEPTH: Python's parser recurses once per level and a
  few kilobytes of brackets end in a RecursionError (a 500) in every JSON endpoint, signed in
  or not (registration, token sign-in). The depth is counted with one regular-expression scan
  (strings skipped) before any parser runs, and only when the body holds enough brackets.
- A NUL character in a query-string or form value: PostgreSQL cannot store or compare it, so a
  filter on such a value would end in a database error. Uploaded files are left to their
  parsers (CSV import rejects NUL with a message).

Field-level validation stays in forms and serializers; these two are properties of the request.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import JsonResponse

JSON_TYPES = ("application/json",)
# Django parses these into request.POST (CSRF protection reads it anyway); files stay apart.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A JSON string (skipped), or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_OPEN = frozenset(b"[{")


def json_too_deep(body: bytes, limit: int) -> bool:
    """True when brackets nest deeper than `limit` (outside strings)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for match in _TOKEN.finditer(body):
        first = match.group()[0]
        if first in _OPEN:
            depth += 1
            if depth > limit:
                return True
        elif first != 0x22:  # a closing bracket (0x22 is the quote of a skipped string)
            depth -= 1
    return False


def _is_json(content_type: str) -> bool:
    return content_type in JSON_TYPES or content_type.endswith("+json")


NUL_MESSAGE = "NUL 文字を含む値は受け付けません。 (NUL characters are not allowed.)"


def _nul_fields(querydict) -> list[str]:
    return [key for key, values in querydict.lists() if any("\x00" in v for v in values)]


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=400)


def _nul_rejected(fields: list[str]) -> JsonResponse:
    # The API's error shape: each field with its reasons.
    return JsonResponse(
        {name.replace("\x00", "") or "_": [NUL_MESSAGE] for name in fields}, status=400
    )


class RequestGuardMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if fields := _nul_fields(request.GET):
            return _nul_rejected(fields)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if _is_json(content_type):
                if json_too_deep(request.body, settings.JSON_MAX_DEPTH):
                    limit = settings.JSON_MAX_DEPTH
                    return _bad_request(
                        f"JSON の入れ子が深すぎます (最大 {limit} 段)。 (JSON nested too deeply.)"
                    )
            elif content_type in FORM_TYPES and (fields := _nul_fields(request.POST)):
                return _nul_rejected(fields)
        return self.get_response(request)
