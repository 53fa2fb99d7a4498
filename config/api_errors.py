"""One error shape for the whole API: 400s name the field and the reason, never a 500 for input.

DRF already answers validation errors as `{field: [reasons]}`. This handler adds the cases that
would otherwise escape as a 500: database-level integrity/range errors and Django's own
ValidationError raised by a service.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (DataError, IntegrityError)):
        return Response(
            {
                "non_field_errors": [
                    "入力値がデータベースの制約に反しています。 (Input violates a data constraint.)"
                ]
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
