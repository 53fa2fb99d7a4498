"""One pagination for every API list: `page` and `page_size` (20 by default, at most
`MAX_PAGE_SIZE`; a larger value is capped, and documented as such in the schema). Generic list
views get it from `DEFAULT_PAGINATION_CLASS`; the lists written as plain API views (readiness,
cases, KPIs) call `paginated` and document `PageQuery`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

MAX_PAGE_SIZE = 100


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"1ページの件数 (results per page, at most {MAX_PAGE_SIZE})"

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE})
class PageSizeField(serializers.IntegerField):
    """`page_size` in a query serializer: at least 1, and capped at `MAX_PAGE_SIZE` (not
    refused), like the pagination of the generic lists."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("help_text", Pagination.page_size_query_description)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            if int(str(data)) > MAX_PAGE_SIZE:
                return MAX_PAGE_SIZE
        except ValueError:
            pass
        return super().to_internal_value(data)


class PageQuery(serializers.Serializer):
    """`page` and `page_size` for the schema of a list that is not a generic list view (it
    calls `paginated` itself)."""

    page = serializers.IntegerField(required=False, min_value=1, help_text="ページ番号 (page)")
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=Pagination.page_size_query_description,
    )


def paginated(
    request,
    items: Sequence,
    serialize: Callable[[Any], Any],
    *,
    view=None,
    extra: dict | None = None,
) -> Response:
    """A page of `items` (serialized one by one) as every API list answers it: `count`,
    `next`, `previous`, `results`, after `extra` (a list's own keys). `page_size` up to
    `MAX_PAGE_SIZE` (capped), like the generic list views."""
    paginator = Pagination()
    page = paginator.paginate_queryset(items, request, view=view)
    response = paginator.get_paginated_response([serialize(item) for item in page or []])
    if extra:
        response.data = {**extra, **response.data}
    return response
