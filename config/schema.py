"""The OpenAPI schema tells the truth about errors too: every operation documents the error
answers the API really gives (`{"detail": …}` or, for 400, the fields and their reasons), so a
client, or schemathesis, can rely on the documented status codes."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

_DETAIL = inline_serializer(
    name="ErrorDetail", fields={"detail": serializers.CharField()}, required=True
)
_VALIDATION = OpenApiResponse(
    response={"type": "object", "additionalProperties": True},
    description="入力エラー: 項目名ごとの理由の一覧、または detail (Invalid input: reasons by field, or a detail).",
)
ERRORS = {
    "400": _VALIDATION,
    "401": OpenApiResponse(
        _DETAIL,
        description="認証が必要、またはトークンが無効です (Authentication required, or the token is invalid).",
    ),
    "403": OpenApiResponse(_DETAIL, description="権限がありません (Not allowed)."),
    "404": OpenApiResponse(_DETAIL, description="見つかりません (Not found)."),
    "414": OpenApiResponse(
        response={"type": "string"},
        description="URL が長すぎます (URI too long: answered by the web server itself).",
    ),
    "415": OpenApiResponse(_DETAIL, description="非対応の形式です (Unsupported media type)."),
    "429": OpenApiResponse(_DETAIL, description="リクエストが多すぎます (Too many requests)."),
    "503": OpenApiResponse(
        _DETAIL,
        description=(
            "データベースに一時的に接続できません。Retry-After 秒後に再試行してください "
            "(The database could not be reached for a moment: retry after Retry-After seconds)."
        ),
    ),
}


class AutoSchema(BaseAutoSchema):
    def _error_codes(self) -> list[str]:
        # 401 everywhere: even an open operation refuses a request whose token is wrong or
        # whose account has been deactivated (DRF authenticates before it checks permissions).
        codes = ["400", "401", "404", "429", "414", "503"]
        permissions = self.view.get_permissions() if hasattr(self.view, "get_permissions") else []
        if not any(isinstance(p, AllowAny) for p in permissions):
            codes.append("403")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                media = ["text/html"] if code == "414" else None
                responses[code] = self._get_response_for_code(ERRORS[code], code, media, direction)
        return responses
