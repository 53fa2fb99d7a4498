"""What messaging adds to the matcher, connected in `MessagingConfig.ready()`: an introduction
(`matching.signals.introduced`) opens the two parties' thread in the same transaction. The
receiver only records; the rules are `messaging.services.threads`."""

from __future__ import annotations

from matching.signals import introduced


def on_introduced(sender, *, subject: str, object_id: int, **kwargs) -> None:
    from messaging.services.threads import thread_open

    thread_open(kind=subject, subject_id=object_id)


def connect() -> None:
    introduced.connect(on_introduced, dispatch_uid="messaging.open_thread")
