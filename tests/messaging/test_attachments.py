"""Attachments: a whitelist of types decided by the content (PDF, images, Office documents),
a size limit, stored through Django's storage under a name of our own, and downloaded only by
the two parties through a permission-checked view."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from messaging.models import Attachment, Message
from messaging.services.threads import message_post

from .conftest import PDF, PNG, docx_bytes, upload, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("見積書.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        (
            "契約書.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        # A PDF named .txt is a PDF: the content decides, not the name.
        ("renamed.txt", PDF, "application/pdf"),
    ],
)
def test_allowed_types_are_stored_and_downloaded_by_the_parties(
    client, introduced, settings, name, content, mime
):
    w = introduced
    message = message_post(thread=w.thread, by=w.buyer, body="", files=[upload(name, content)])
    a = message.attachments.get()
    assert a.content_type == mime and a.size == len(content) and a.name == name
    assert a.file.name.startswith(f"attachments/{w.thread.pk}/") and name not in a.file.name
    assert (Path(settings.MEDIA_ROOT) / a.file.name).read_bytes() == content
    for user in (w.uni_a, w.buyer):
        client.force_login(user)
        response = client.get(f"/messages/attachments/{a.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == mime
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    api = APIClient()
    api.force_authenticate(w.uni_b)
    response = api.get(f"/api/attachments/{a.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
        ("archive.zip", zip_bytes()),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("fake.pdf", b"just text pretending to be a pdf"),
    ],
)
def test_other_types_are_refused_by_content_with_a_clear_error(client, introduced, name, content):
    w = introduced
    with pytest.raises(ValidationError) as exc:
        message_post(thread=w.thread, by=w.buyer, body="添付", files=[upload(name, content)])
    assert "添付できない種類のファイルです" in str(exc.value)
    client.force_login(w.buyer)
    html = client.post(
        f"/messages/{w.thread.pk}/", {"body": "添付", "files": [upload(name, content)]}
    ).content.decode()
    assert "添付できない種類のファイルです" in html and "PDF, PNG" in html
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_size_count_and_empty_files_are_refused_and_nothing_stays_in_storage(
    client, introduced, settings
):
    w = introduced
    settings.MESSAGING_ATTACHMENT_MAX_BYTES = 1024
    settings.MESSAGING_ATTACHMENTS_PER_MESSAGE = 2
    big = upload("big.pdf", PDF + b"0" * 2000)
    with pytest.raises(ValidationError, match="大きすぎます"):
        message_post(thread=w.thread, by=w.buyer, files=[big])
    with pytest.raises(ValidationError, match="空のファイル"):
        message_post(thread=w.thread, by=w.buyer, files=[upload("empty.pdf", b"")])
    with pytest.raises(ValidationError, match="2 個まで"):
        message_post(thread=w.thread, by=w.buyer, files=[upload(f"{i}.pdf", PDF) for i in range(3)])
    api = APIClient()
    api.force_authenticate(w.buyer)
    r = api.post(
        f"/api/threads/{w.thread.pk}/messages/",
        {"body": "大きい", "files": [upload("big.pdf", PDF + b"0" * 2000)]},
        format="multipart",
    )
    assert r.status_code == 400 and "大きすぎます" in str(r.json())
    assert not Message.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_alone_is_a_message_and_the_api_accepts_multipart(introduced):
    w = introduced
    api = APIClient()
    api.force_authenticate(w.uni_a)
    r = api.post(
        f"/api/threads/{w.thread.pk}/messages/",
        {"files": [upload("a.pdf", PDF), upload("b.png", PNG)]},
        format="multipart",
    )
    assert r.status_code == 201
    body = r.json()
    assert body["body"] == "" and [a["name"] for a in body["attachments"]] == ["a.pdf", "b.png"]
    assert all(a["url"].startswith("/api/attachments/") for a in body["attachments"])
