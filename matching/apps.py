from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("マッチング")

    def ready(self) -> None:
        from matching import receivers
        from matching.views.investors import venture_section
        from profiles.extensions import register_venture_section

        receivers.connect()
        register_venture_section(venture_section)
