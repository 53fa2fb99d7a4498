"""The thread pages of the two parties: the list of their threads with unread counts, one
thread (messages, attachments, the form), opening the thread of an introduced subject, and
downloading an attachment (permission-checked; files are never served directly)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from messaging import selectors
from messaging.forms import MessageForm
from messaging.services.threads import (
    MessageRateLimited,
    message_post,
    thread_mark_read,
    thread_open,
)
from messaging.subjects import SUBJECTS, subject_of
from profiles.access import party_org, require_org
from profiles.forms import apply_service_errors

MESSAGES_SHOWN = 200


@login_required
def thread_list(request: HttpRequest) -> HttpResponse:
    require_org(request)
    threads = list(selectors.threads_for(user=request.user)[:200])
    return render(
        request,
        "messaging/thread_list.html",
        {"threads": threads, "nav_active": "messages"},
    )


@login_required
def thread_for_subject(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The thread of an introduced proposal or partnership (opened on first use)."""
    require_org(request)
    subject = SUBJECTS.get(kind)
    obj = subject.load(pk) if subject is not None and 0 < pk < selectors.PK_MAX else None
    if obj is None or party_org(request.user, org_ids=subject.parties(obj)) is None:
        raise Http404
    thread = thread_open(kind=kind, subject_id=pk)
    return redirect("thread_detail", pk=thread.pk)


@login_required
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_org(request)
    thread = selectors.thread_for(user=request.user, pk=pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                message_post(
                    thread=thread,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    files=request.FILES.getlist("files"),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except MessageRateLimited as exc:
                form.add_error("body", str(exc))
            else:
                messages.success(request, _("メッセージを送信しました。"))
                return redirect(reverse("thread_detail", args=[thread.pk]) + "#latest")
    last_read = thread.last_read
    shown = list(selectors.messages_of(thread=thread).order_by("-id")[:MESSAGES_SHOWN])[::-1]
    if request.method == "GET":
        thread_mark_read(thread=thread, user=request.user)
    subject, subject_id = subject_of(thread)
    obj = subject.load(subject_id)
    mine = request.org.pk
    return render(
        request,
        "messaging/thread.html",
        {
            "thread": thread,
            "rows": [
                {
                    "m": m,
                    "own": m.author_org_id == mine,
                    "new": m.pk > last_read and m.author_id != request.user.pk,
                }
                for m in shown
            ],
            "older": thread.message_count > len(shown),
            "form": form,
            "subject_url": subject.url(obj) if obj is not None else "",
            "other": thread.academic if mine == thread.company_id else thread.company,
            "nav_active": "messages",
        },
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    require_org(request)
    attachment = selectors.attachment_for(user=request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    # Never rendered by the browser as a page of this site, never cached by a proxy.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
