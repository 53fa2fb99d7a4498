"""Reads of threads, scoped to the caller.

- A thread's text, attachments and read markers are for the members of its two organisations
  only (`profiles.access.party_org`): everybody else, coordinators included, gets a 404, as for
  the introduction page.
- Coordinators see that threads exist and how many messages each has
  (`threads_overview`: titles, parties, counts, dates; never a message).
- Unread: messages after the person's read marker, not written by the person.
"""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from config.ids import PK_MAX
from messaging.models import Attachment, Message, Thread, ThreadRead
from profiles import access


def _last_read(user, thread_ref: str):
    return Coalesce(
        Subquery(
            ThreadRead.objects.filter(thread=OuterRef(thread_ref), user=user).values(
                "last_read_id"
            )[:1]
        ),
        Value(0),
    )


def threads_for(*, user) -> QuerySet[Thread]:
    """The threads of the caller's organisation, each with `unread` for the caller."""
    cond = access.party_filter(user, "company", "academic")
    if cond is None:
        return Thread.objects.none()
    return (
        Thread.objects.filter(cond)
        .select_related("company", "academic")
        .annotate(last_read=_last_read(user, "pk"))
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__id__gt=F("last_read")) & ~Q(messages__author=user),
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-created_at", "-id")
    )


def thread_for(*, user, pk: int) -> Thread:
    """One thread of the caller's organisation; 404 for anyone else (coordinators too)."""
    if pk < 1 or pk > PK_MAX:
        raise Http404
    thread = threads_for(user=user).filter(pk=pk).first()
    if thread is None:
        raise Http404
    return thread


def thread_of_subject(*, user, kind: str, subject_id: int) -> Thread | None:
    """The caller's thread about a subject, if there is one."""
    field = {
        "proposal": "proposal_id",
        "partnership": "partnership_id",
        "investor": "investor_introduction_id",
    }.get(kind)
    if field is None or subject_id < 1 or subject_id > PK_MAX:
        return None
    return threads_for(user=user).filter(**{field: subject_id}).first()


def messages_of(*, thread: Thread) -> QuerySet[Message]:
    """A thread's messages with their attachments (call only after `thread_for`)."""
    return thread.messages.select_related("author_org").prefetch_related("attachments")


def unread_total(*, user) -> int:
    """Unread messages in all the caller's threads (the navigation badge)."""
    cond = access.party_filter(user, "company", "academic")
    if cond is None:
        return 0
    threads = Thread.objects.filter(cond).values("pk")
    return (
        Message.objects.filter(thread__in=threads)
        .exclude(author=user)
        .annotate(last_read=_last_read(user, "thread"))
        .filter(id__gt=F("last_read"))
        .count()
    )


def attachment_for(*, user, pk: int) -> Attachment:
    """An attachment of one of the caller's threads; 404 for anyone else."""
    if pk < 1 or pk > PK_MAX:
        raise Http404
    cond = access.party_filter(user, "company", "academic")
    if cond is None:
        raise Http404
    threads = Thread.objects.filter(cond).values("pk")
    attachment = (
        Attachment.objects.filter(pk=pk, message__thread__in=threads)
        .select_related("message")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def threads_overview(*, user) -> QuerySet[Thread]:
    """Coordinators: every thread with its parties and message count (no text)."""
    if not access.is_coordinator(user):
        return Thread.objects.none()
    return Thread.objects.select_related("company", "academic").order_by(
        F("last_message_at").desc(nulls_last=True), "-created_at", "-id"
    )
