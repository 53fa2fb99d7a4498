from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from notifications import receivers
        from notifications.views.notifications import account_section
        from profiles.extensions import register_account_section

        receivers.connect()
        register_account_section(account_section)
