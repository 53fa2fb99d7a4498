"""Opening a thread for an introduced subject, posting a message, marking a thread read.

- `thread_open(kind, subject_id)`: the subject's thread, created on first use (the matcher's
  `introduced` signal opens it at the introduction; a page or API call opens it for subjects
  introduced before messaging existed). Only introduced subjects have a thread.
- `message_post(thread, by, body, files)`: a member of one of the two organisations writes.
  Plain text (stripped; no NUL or other control characters; at most MESSAGING_MAX_CHARS),
  attachments checked by content (`attachments.attachment_check`), at least one of the two.
  A person posts at most MESSAGING_RATE_MESSAGES messages in MESSAGING_RATE_SECONDS (counted
  in the database under a lock on the person's row, so it holds across processes and without
  Redis). The other organisation's members are notified (their preferences decide the e-mail);
  the message text never leaves the thread.
- `thread_mark_read(thread, user)`: the person's read marker moves to the last message, and
  their notifications about the thread are marked read.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.text import has_control_characters
from messaging.models import Attachment, Message, Thread, ThreadRead
from messaging.subjects import SUBJECTS
from notifications.kinds import Kind
from notifications.services.notify import members_notify, notifications_mark_read_for
from profiles.access import party_org

from .attachments import attachment_check


class MessageRateLimited(Exception):
    """Too many messages: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            _("短時間に送信できるメッセージの数を超えました。%(s)d 秒後にもう一度お試しください。")
            % {"s": retry_after}
        )
        self.retry_after = retry_after


def thread_open(*, kind: str, subject_id: int) -> Thread | None:
    """The thread of an introduced subject (created when missing), or None when the subject
    does not exist or is not introduced."""
    subject = SUBJECTS.get(kind)
    if subject is None:
        return None
    existing = Thread.objects.filter(**{f"{subject.field}_id": subject_id}).first()
    if existing is not None:
        return existing
    obj = subject.load(subject_id)
    if obj is None:
        return None
    company_id, academic_id = subject.parties(obj)
    try:
        with transaction.atomic():
            return Thread.objects.create(
                **{subject.field: obj},
                company_id=company_id,
                academic_id=academic_id,
                title=subject.title(obj)[:300],
                title_en=subject.title_en(obj)[:300],
            )
    except IntegrityError:  # opened at the same moment by another request
        return Thread.objects.get(**{f"{subject.field}_id": subject_id})


def _clean_body(body) -> str:
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise ValidationError({"body": [_("文字列を入力してください。")]})
    if "\x00" in body:
        raise ValidationError({"body": [_("NUL 文字を含むメッセージは送信できません。")]})
    if has_control_characters(body):
        raise ValidationError({"body": [_("使用できない制御文字が含まれています。")]})
    body = body.strip()
    limit = settings.MESSAGING_MAX_CHARS
    if len(body) > limit:
        raise ValidationError(
            {
                "body": [
                    _("メッセージは %(max)d 文字以内で入力してください (現在 %(n)d 文字)。")
                    % {"max": limit, "n": len(body)}
                ]
            }
        )
    return body


def _rate_check(by) -> None:
    window = timedelta(seconds=settings.MESSAGING_RATE_SECONDS)
    since = timezone.now() - window
    recent = list(
        Message.objects.filter(author=by, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.MESSAGING_RATE_MESSAGES]
    )
    if len(recent) >= settings.MESSAGING_RATE_MESSAGES:
        oldest = recent[-1]
        wait = (oldest + window - timezone.now()).total_seconds()
        raise MessageRateLimited(max(1, int(wait) + 1))


def message_post(*, thread: Thread, by, body: str = "", files=()) -> Message:
    """`by` writes in `thread`; see the module docstring for the rules."""
    org = party_org(by, org_ids=(thread.company_id, thread.academic_id))
    if org is None:
        raise PermissionDenied(_("このスレッドの当事者ではありません。"))
    body = _clean_body(body)
    files = [f for f in (files or []) if f]
    if not body and not files:
        raise ValidationError({"body": [_("メッセージを入力するか、ファイルを添付してください。")]})
    if len(files) > settings.MESSAGING_ATTACHMENTS_PER_MESSAGE:
        raise ValidationError(
            {
                "files": [
                    _("添付できるファイルは 1 件のメッセージにつき %(n)d 個までです。")
                    % {"n": settings.MESSAGING_ATTACHMENTS_PER_MESSAGE}
                ]
            }
        )
    checked = [attachment_check(f) for f in files]
    saved_names: list[str] = []
    try:
        with transaction.atomic():
            # One writer per person at a time: the rate limit counts exactly.
            get_user_model().objects.select_for_update().filter(pk=by.pk).first()
            _rate_check(by)
            thread = Thread.objects.select_for_update().get(pk=thread.pk)
            message = Message.objects.create(
                thread=thread,
                author=by,
                author_org=org,
                author_name=(by.get_full_name() or by.get_username())[:300],
                body=body,
            )
            for c in checked:
                attachment = Attachment(
                    message=message,
                    name=c.name,
                    content_type=c.content_type,
                    extension=c.extension,
                    size=c.size,
                )
                attachment.file.save(c.name, c.upload, save=False)
                saved_names.append(attachment.file.name)
                attachment.save()
            thread.message_count += 1
            thread.last_message_at = message.created_at
            thread.save(update_fields=["message_count", "last_message_at"])
            ThreadRead.objects.update_or_create(
                thread=thread, user=by, defaults={"last_read_id": message.pk}
            )
            other = thread.academic_id if org.pk == thread.company_id else thread.company_id
            members_notify(
                org_ids=[other],
                kind=Kind.MESSAGE,
                subject_type="thread",
                subject_id=thread.pk,
                event=str(message.pk),
                url=reverse("thread_detail", args=[thread.pk]),
                params={
                    "org": org.name,
                    "org_en": org.name_en,
                    "thread": thread.title,
                    "thread_en": thread.title_en,
                },
            )
    except BaseException:
        # Nothing was written: the stored files must not stay behind.
        from django.core.files.storage import default_storage

        for name in saved_names:
            try:
                default_storage.delete(name)
            except Exception:
                pass
        raise
    return message


def thread_mark_read(*, thread: Thread, user) -> int:
    """Move the user's read marker to the thread's last message; returns the marker."""
    last = thread.messages.order_by("-id").values_list("id", flat=True).first() or 0
    marker, created = ThreadRead.objects.get_or_create(
        thread=thread, user=user, defaults={"last_read_id": last}
    )
    if not created and marker.last_read_id < last:
        ThreadRead.objects.filter(pk=marker.pk, last_read_id__lt=last).update(last_read_id=last)
    notifications_mark_read_for(user=user, subject_type="thread", subject_id=thread.pk)
    return last
