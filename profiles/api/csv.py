"""CSV export of the seeds and needs a caller may see, and CSV import of the caller's own."""

from __future__ import annotations

import csv
import io

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config import api_fields
from profiles import access
from profiles.api.needs import NeedFilter
from profiles.api.seeds import SeedFilter
from profiles.models import (
    Need,
)
from profiles.selectors import catalog as sel
from profiles.services import exports
from profiles.services import imports as imp
from profiles.services.audit import confidential_reads_record


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows([imp.csv_safe_cell(c) for c in row] for row in rows)
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _ExportView(APIView):
    """An export: the rows the caller may see, through the same filters as the list. Every row
    whose confidential text is written into the file is recorded in the access log."""

    filterset_class: type[django_filters.FilterSet]

    def confidential(self, obj) -> str:
        text = obj.visible_confidential_details
        if text:
            self._reads.append(obj)
        return text

    def export(self, request, filename: str, header: list[str], rows) -> HttpResponse:
        self._reads: list = []
        response = _csv_response(filename, header, rows)
        confidential_reads_record(
            user=request.user, objects=self._reads, channel="export", path=request.path
        )
        return response

    def filtered(self, qs):
        fs = self.filterset_class(self.request.query_params, queryset=qs, request=self.request)
        if not fs.is_valid():
            raise serializers.ValidationError(fs.errors)
        return fs.qs


@extend_schema(
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8)")},
    parameters=None,
)
class SeedExportView(_ExportView):
    """The seeds you can see, as CSV (same filters as the list). Confidential details appear
    for your own rows only."""

    filterset_class = SeedFilter

    def get(self, request):
        qs = self.filtered(sel.seeds_visible_to(user=request.user))
        header = imp.SEED_EXPORT_COLUMNS
        rows = (
            exports.seed_csv_row(s, confidential=self.confidential)
            for s in qs.iterator(chunk_size=500)
        )
        return self.export(request, "seeds.csv", header, rows)


@extend_schema(
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8)")}
)
class NeedExportView(_ExportView):
    """The needs you can see, as CSV. Anonymous needs of other companies show no company."""

    filterset_class = NeedFilter

    def get(self, request):
        qs = self.filtered(sel.needs_visible_to(user=request.user))

        def row(n: Need):
            named = access.company_visible(user=request.user, need=n)
            return exports.need_csv_row(n, named=named, confidential=self.confidential)

        rows = (row(n) for n in qs.iterator(chunk_size=500))
        return self.export(request, "needs.csv", imp.NEED_EXPORT_COLUMNS, rows)


class CsvUploadSerializer(serializers.Serializer):
    file = serializers.FileField(max_length=255, allow_empty_file=False)
    dry_run = serializers.BooleanField(default=True)


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = api_fields.CharField()
    message = api_fields.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    key = api_fields.CharField()
    title = api_fields.CharField()


class ImportUpdatedRowSerializer(ImportRowSerializer):
    changed = serializers.ListField(child=api_fields.CharField())


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    committed = serializers.BooleanField()
    created = ImportRowSerializer(many=True)
    updated = ImportUpdatedRowSerializer(many=True)
    unchanged = ImportRowSerializer(many=True)
    errors = ImportErrorSerializer(many=True)


class _ImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    service = None

    def post(self, request):
        ser = CsvUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        org = access.org_of(request.user)
        if org is None:
            raise PermissionDenied(_("所属組織がありません。"))
        report = type(self).service(
            org=org,
            by=request.user,
            file=ser.validated_data["file"],
            dry_run=ser.validated_data["dry_run"],
        )
        ok = report.dry_run or report.committed
        return Response(
            report.to_dict(), status=status.HTTP_200_OK if ok else status.HTTP_400_BAD_REQUEST
        )


_import_schema = extend_schema(
    request={"multipart/form-data": CsvUploadSerializer},
    responses={
        200: ImportReportSerializer,
        # The report of a file whose rows did not all load (nothing written), or the upload's
        # own errors (no file, a bad flag) by field.
        400: OpenApiResponse(
            response={
                "anyOf": [
                    {"$ref": "#/components/schemas/ImportReport"},
                    {"type": "object", "additionalProperties": True},
                ]
            },
            description="取り込めなかった行の報告、またはアップロード自体の入力エラー"
            " (the report of rows that could not be loaded, or errors of the upload itself)",
        ),
    },
)


@_import_schema
class SeedImportView(_ImportView):
    """CSV import of your organisation's seeds: `dry_run=true` (default) previews every change
    and every row error; `dry_run=false` writes all rows or none."""

    service = staticmethod(imp.csv_import_seeds)


@_import_schema
class NeedImportView(_ImportView):
    """CSV import of your company's needs (same rules as the seed import)."""

    service = staticmethod(imp.csv_import_needs)
