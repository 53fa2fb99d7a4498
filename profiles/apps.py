from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("組織とプロファイル")

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers the deploy checks)
