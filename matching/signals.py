"""Signals the matcher sends; higher apps connect to them in their `AppConfig.ready()`.

`introduced(subject, object_id)`: both sides of a proposal (`subject="proposal"`) or a
partnership (`"partnership"`) said they are interested, or a university answered an
investor's interest in its venture with interest (`"investor"`, an InvestorIntroduction).
Sent inside the transaction that introduced them; messaging opens the two parties' thread.
"""

from django.dispatch import Signal

introduced = Signal()


def send_introduced(*, subject: str, object_id: int) -> None:
    introduced.send(sender=subject, subject=subject, object_id=object_id)
