"""Every route of the notifications app: the list, opening one, the preferences of the account
page, unsubscribing, and the API under api/notifications/."""

from django.urls import include, path

from notifications.api import notifications as api
from notifications.views import notifications, unsubscribe

api_urlpatterns = [
    path("", api.NotificationListView.as_view(), name="notifications-api-list"),
    path("unread-count/", api.UnreadCountView.as_view(), name="notifications-api-unread"),
    path("read-all/", api.NotificationReadAllView.as_view(), name="notifications-api-read-all"),
    path("preferences/", api.PreferencesView.as_view(), name="notifications-api-preferences"),
    path("<int:pk>/", api.NotificationDetailView.as_view(), name="notifications-api-detail"),
    path("<int:pk>/read/", api.NotificationReadView.as_view(), name="notifications-api-read"),
]

urlpatterns = [
    path("api/notifications/", include(api_urlpatterns)),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path(
        "account/notifications/",
        notifications.preferences_save,
        name="notification_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        unsubscribe.unsubscribe_page,
        name="unsubscribe",
    ),
]
