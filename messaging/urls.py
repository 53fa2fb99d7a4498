"""Every route of messaging: the parties' thread pages and attachment downloads, the
coordinators' overview, and the API under api/threads/ and api/attachments/."""

from django.urls import include, path

from messaging.api import threads as api
from messaging.views import console, threads

api_urlpatterns = [
    path("threads/", api.ThreadListView.as_view(), name="messaging-api-threads"),
    path("threads/<int:pk>/", api.ThreadDetailView.as_view(), name="messaging-api-thread"),
    path(
        "threads/<int:pk>/messages/",
        api.ThreadMessagesView.as_view(),
        name="messaging-api-messages",
    ),
    path("threads/<int:pk>/read/", api.ThreadReadView.as_view(), name="messaging-api-read"),
    path(
        "threads/for/<str:kind>/<int:pk>/",
        api.ThreadForSubjectView.as_view(),
        name="messaging-api-thread-for",
    ),
    path(
        "attachments/<int:pk>/",
        api.AttachmentDownloadView.as_view(),
        name="messaging-api-attachment",
    ),
]

urlpatterns = [
    path("api/", include(api_urlpatterns)),
    path("messages/", threads.thread_list, name="thread_list"),
    path("messages/<int:pk>/", threads.thread_detail, name="thread_detail"),
    path("messages/for/<str:kind>/<int:pk>/", threads.thread_for_subject, name="thread_for"),
    path(
        "messages/attachments/<int:pk>/",
        threads.attachment_download,
        name="attachment_download",
    ),
    path("console/threads/", console.console_threads, name="console_threads"),
]
