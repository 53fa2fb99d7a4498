"""Which files may be attached, decided by their content, not their name or the browser's
claim: the first bytes are matched against known signatures (the `filetype` library, pure
Python: PDF, PNG, JPEG, GIF, WebP, Word/Excel/PowerPoint both 97–2003 and OOXML). Anything
else is refused with a message naming what is allowed, as is an empty file or one over
MESSAGING_ATTACHMENT_MAX_BYTES. SVG is not an image here: it can carry script.

The stored file gets our own name and the detected type; the uploader's name is kept for the
download only (`Content-Disposition: attachment`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from config.text import CONTROL_CHARACTERS

# Detected MIME type → the extension the stored file gets.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
ALLOWED_LABEL = "PDF, PNG, JPEG, GIF, WebP, Word, Excel, PowerPoint"
# Enough for every signature above (OOXML names its parts within the first few kilobytes).
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    content_type: str
    extension: str
    size: int


def _clean_name(raw: str, extension: str) -> str:
    name = os.path.basename((raw or "").replace("\\", "/"))
    name = CONTROL_CHARACTERS.sub("", name).strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot else name[:200]
    return name or f"attachment.{extension}"


def attachment_check(upload) -> CheckedFile:
    """The upload's detected type and safe name; ValidationError keyed `files` otherwise."""
    raw_name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None) or 0
    limit = settings.MESSAGING_ATTACHMENT_MAX_BYTES
    shown = os.path.basename(raw_name)[:80]
    if size == 0:
        raise ValidationError({"files": [_("「%(name)s」は空のファイルです。") % {"name": shown}]})
    if size > limit:
        raise ValidationError(
            {
                "files": [
                    _("「%(name)s」は大きすぎます (上限 %(mb)s MB)。")
                    % {"name": shown, "mb": f"{limit / (1024 * 1024):g}"}
                ]
            }
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            {
                "files": [
                    _(
                        "「%(name)s」は添付できない種類のファイルです。添付できるのは %(types)s です。"
                    )
                    % {"name": shown, "types": ALLOWED_LABEL}
                ]
            }
        )
    extension = ALLOWED_TYPES[kind.mime]
    return CheckedFile(
        upload=upload,
        name=_clean_name(raw_name, extension),
        content_type=kind.mime,
        extension=extension,
        size=size,
    )
