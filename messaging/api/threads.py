"""Threads and messages of the caller's organisation: list, one thread, its messages (read and
post, with attachments as multipart `files`), mark read, download an attachment, and the thread
of an introduced subject. Coordinators list every thread with its message count; everything
with text is a 404 for them, as for anyone outside the two organisations."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from messaging import selectors
from messaging.models import Message, Thread
from messaging.services.threads import (
    MessageRateLimited,
    message_post,
    thread_mark_read,
    thread_open,
)
from messaging.subjects import SUBJECTS
from profiles import access
from profiles.access import party_org


def _org(org) -> dict:
    return {"id": org.pk, "name": org.name, "name_en": org.name_en, "kind": org.kind}


class ThreadSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    company = serializers.SerializerMethodField()
    academic = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = [
            "id",
            "title",
            "title_en",
            "subject",
            "company",
            "academic",
            "message_count",
            "unread",
            "last_message_at",
            "created_at",
        ]

    def get_subject(self, obj: Thread) -> dict:
        return {"kind": obj.subject_kind, "id": obj.subject_id}

    def get_company(self, obj: Thread) -> dict:
        return _org(obj.company)

    def get_academic(self, obj: Thread) -> dict:
        return _org(obj.academic)

    def get_unread(self, obj: Thread) -> int | None:
        """Unread messages for the caller (null for coordinators, who read none)."""
        return getattr(obj, "unread", None)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("messaging-api-attachment", args=[obj.pk])


class MessageSerializer(serializers.ModelSerializer):
    author_org = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author_name", "author_org", "mine", "body", "attachments", "created_at"]

    def get_author_org(self, obj: Message) -> dict:
        return {"id": obj.author_org_id, "name": obj.author_org.name}

    def get_mine(self, obj: Message) -> bool:
        return obj.author_id == self.context["request"].user.pk


class MessageInput(serializers.Serializer):
    # Length, emptiness and control characters are the service's rules (one clear message).
    body = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="multipart: one or more files"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators = []  # NUL and the rest: the service's one message


class ThreadListQuery(serializers.Serializer):
    proposal = serializers.IntegerField(min_value=1, max_value=selectors.PK_MAX, required=False)
    partnership = serializers.IntegerField(min_value=1, max_value=selectors.PK_MAX, required=False)


@extend_schema(parameters=[ThreadListQuery])
class ThreadListView(generics.ListAPIView):
    serializer_class = ThreadSerializer

    def get_queryset(self):
        query = ThreadListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        user = self.request.user
        qs = (
            selectors.threads_overview(user=user)
            if access.is_coordinator(user)
            else selectors.threads_for(user=user)
        )
        for name in ("proposal", "partnership"):
            if name in query.validated_data:
                qs = qs.filter(**{f"{name}_id": query.validated_data[name]})
        return qs


class ThreadDetailView(APIView):
    @extend_schema(responses=ThreadSerializer)
    def get(self, request, pk: int):
        return Response(ThreadSerializer(selectors.thread_for(user=request.user, pk=pk)).data)


class ThreadForSubjectView(APIView):
    """The thread of an introduced proposal or partnership (opened on first use)."""

    @extend_schema(responses=ThreadSerializer)
    def get(self, request, kind: str, pk: int):
        subject = SUBJECTS.get(kind)
        obj = subject.load(pk) if subject is not None and 0 < pk < selectors.PK_MAX else None
        if obj is None or party_org(request.user, org_ids=subject.parties(obj)) is None:
            raise Http404
        thread = thread_open(kind=kind, subject_id=pk)
        return Response(
            ThreadSerializer(selectors.thread_for(user=request.user, pk=thread.pk)).data
        )


class ThreadMessagesView(generics.ListAPIView):
    serializer_class = MessageSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Message.objects.none()
        thread = selectors.thread_for(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.messages_of(thread=thread).order_by("id")

    @extend_schema(request=MessageInput, responses={201: MessageSerializer})
    def post(self, request, pk: int):
        thread = selectors.thread_for(user=request.user, pk=pk)
        data = MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        try:
            message = message_post(
                thread=thread,
                by=request.user,
                body=data.validated_data.get("body", ""),
                files=files,
            )
        except MessageRateLimited as exc:
            raise Throttled(wait=exc.retry_after, detail=str(exc))
        message = selectors.messages_of(thread=thread).get(pk=message.pk)
        return Response(
            MessageSerializer(message, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ReadSerializer(serializers.Serializer):
    last_read_id = serializers.IntegerField()


class ThreadReadView(APIView):
    @extend_schema(request=None, responses=ReadSerializer)
    def post(self, request, pk: int):
        thread = selectors.thread_for(user=request.user, pk=pk)
        return Response({"last_read_id": thread_mark_read(thread=thread, user=request.user)})


class AttachmentDownloadView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
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
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
