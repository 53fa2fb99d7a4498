"""Fixtures of the messaging tests: the notification world with its proposal introduced (so
its thread is open), attachments stored under a temporary MEDIA_ROOT, and sample files."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from matching.services.proposals import proposal_approve, proposal_respond
from messaging.models import Thread
from tests.notifications.conftest import World, world  # noqa: F401  (the shared world)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"/>',
        )
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("payload.txt", "not an office document")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def introduced(world):  # noqa: F811
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    proposal_respond(proposal=world.proposal, by=world.buyer, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.uni_a, decision="interested")
    world.thread = Thread.objects.get(proposal=world.proposal)
    return world


__all__ = ["World", "upload", "PDF", "PNG", "docx_bytes", "zip_bytes"]
