"""The caller's notifications: list (filter by unread and kind), one, mark read, mark all
read, the unread count, and the e-mail preferences. Someone else's notification is a 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ids import PK_MAX
from notifications import selectors
from notifications.kinds import Kind, Mode, notification_text
from notifications.models import Notification
from notifications.services import notify as notify_services
from notifications.services.preferences import preferences_of, preferences_update


def _own(request, pk: int) -> Notification:
    if pk < 1 or pk > PK_MAX:
        raise Http404
    n = selectors.notifications_for(user=request.user).filter(pk=pk).first()
    if n is None:
        raise Http404
    return n


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    text = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "items", "url", "created_at", "read_at"]

    def get_text(self, obj: Notification) -> str:
        return notification_text(obj.kind, obj.params)

    def get_items(self, obj: Notification) -> list[str]:
        return [str(i) for i in (obj.params or {}).get("items", [])]

    def get_url(self, obj: Notification) -> str | None:
        return selectors.safe_url(obj)


class NotificationListQuery(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)


@extend_schema(parameters=[NotificationListQuery])
class NotificationListView(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        query = NotificationListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.notifications_for(user=self.request.user)
        if query.validated_data.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        if "kind" in query.validated_data:
            qs = qs.filter(kind=query.validated_data["kind"])
        return qs


class NotificationDetailView(APIView):
    @extend_schema(responses=NotificationSerializer)
    def get(self, request, pk: int):
        return Response(NotificationSerializer(_own(request, pk)).data)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        n = _own(request, pk)
        notify_services.notification_mark_read(notification=n, by=request.user)
        n.refresh_from_db()
        return Response(NotificationSerializer(n).data)


class CountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class UpdatedSerializer(serializers.Serializer):
    updated = serializers.IntegerField()


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses=UpdatedSerializer)
    def post(self, request):
        return Response({"updated": notify_services.notifications_mark_all_read(user=request.user)})


class UnreadCountView(APIView):
    @extend_schema(responses=CountSerializer)
    def get(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})


class PreferencesSerializer(serializers.Serializer):
    modes = serializers.DictField(
        child=serializers.ChoiceField(choices=Mode.choices),
        help_text="kind → immediate | digest | off",
    )


class PreferencesView(APIView):
    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response({"modes": preferences_of(request.user)})

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def patch(self, request):
        s = PreferencesSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            modes = preferences_update(user=request.user, modes=s.validated_data["modes"])
        except ValidationError as exc:
            raise serializers.ValidationError({"modes": exc.message_dict})
        return Response({"modes": modes})
