"""Upload forms: CSV imports, catalogue files, researchmap data."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from profiles.services.imports.jobs import MAX_CATALOG_BYTES

CSV_MAX_BYTES = 5 * 1024 * 1024


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSVファイル"),
        help_text=_("UTF-8 (Excel の BOM 付きも可)。1行目は列名です。5 MB まで。"),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > CSV_MAX_BYTES:
            raise ValidationError(_("ファイルが大きすぎます (上限 5 MB)。"))
        name = (f.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise ValidationError(_("CSV ファイル (.csv) を選んでください。"))
        raw = f.read()
        if b"\x00" in raw:  # UTF-16 or a binary file
            raise ValidationError(
                _("文字コードを UTF-8 にして保存してください (Excel: CSV UTF-8)。")
            )
        return raw


class CatalogUploadForm(forms.Form):
    file = forms.FileField(
        label=_("カタログファイル (JSON)"),
        help_text=_("catalog/1 形式 (docs/catalog.md) の JSON、UTF-8。20 MB まで。"),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_CATALOG_BYTES:
            raise ValidationError(_("ファイルが大きすぎます (上限 20 MB)。"))
        if not (f.name or "").lower().endswith(".json"):
            raise ValidationError(_("JSON ファイル (.json) を選んでください。"))
        raw = f.read()
        if b"\x00" in raw:
            raise ValidationError(_("文字コードを UTF-8 にして保存してください。"))
        return raw


RESEARCHMAP_MAX_BYTES = 20 * 1024 * 1024


class ResearchmapUploadForm(forms.Form):
    """A researchmap export: JSON (one researcher or many) or JSON Lines. The content itself
    (UTF-8, JSON, researchmap V2) is checked by the import service."""

    file = forms.FileField(
        label=_("researchmap のデータ (JSON / JSON Lines)"),
        help_text=_(
            "機関管理者が researchmap から書き出した JSON または JSON Lines (1行に1人)。"
            "20 MB まで。"
        ),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > RESEARCHMAP_MAX_BYTES:
            raise ValidationError(_("ファイルが大きすぎます (20 MB まで)。"))
        name = (f.name or "").lower()
        if not name.endswith((".json", ".jsonl", ".ndjson", ".txt")):
            raise ValidationError(
                _("JSON (.json) または JSON Lines (.jsonl) のファイルを選んでください。")
            )
        return f.read()
