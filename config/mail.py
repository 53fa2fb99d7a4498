"""The development e-mail backend: every message is printed to the console (as Django's
console backend does) and appended to a file in EMAIL_FILE_PATH (one file per connection), so that `make run` shows
what left and lets one open it afterwards (links, the HTML part, headers such as
List-Unsubscribe). Production sets EMAIL_HOST and uses SMTP."""

from __future__ import annotations

from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ConsoleAndFileBackend(ConsoleBackend):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._file = FileBackend(fail_silently=kwargs.get("fail_silently", False))

    def send_messages(self, email_messages) -> int:
        sent = super().send_messages(email_messages)
        self._file.send_messages(email_messages)
        return sent
