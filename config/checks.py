"""System checks of our own: a deployment must not run on the development secret key."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_dev_key(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key; set the SECRET_KEY environment variable.",
                id="sangaku.E001",
            )
        ]
    return []
