"""Places where higher apps add to the domain's pages, registered in their `AppConfig.ready()`
(as `profiles.access.register_confidential_grant` is for access).

`register_account_section(section)`: a callable `section(request) -> dict | None` that adds a
card to the account page: the dict names its `template` and carries that template's context
(`None`: nothing for this user). The notifications app adds the e-mail preferences this way, so
the account page shows them without the domain importing the notifications app.

`register_venture_section(section)`: a callable `section(request, venture) -> dict | None` that
adds a card below a venture's editor the same way. The matcher adds the investors interested in
the venture (with the university's answer forms).
"""

from __future__ import annotations

from collections.abc import Callable

AccountSection = Callable[..., dict | None]
_account_sections: list[AccountSection] = []


def register_account_section(section: AccountSection) -> None:
    """Add a card to the account page (idempotent)."""
    if section not in _account_sections:
        _account_sections.append(section)


def account_sections(request) -> list[dict]:
    """The registered cards for this request's user, in registration order."""
    out = []
    for section in _account_sections:
        card = section(request)
        if card:
            out.append(card)
    return out


VentureSection = Callable[..., dict | None]
_venture_sections: list[VentureSection] = []


def register_venture_section(section: VentureSection) -> None:
    """Add a card to a venture's page (idempotent)."""
    if section not in _venture_sections:
        _venture_sections.append(section)


def venture_sections(request, venture) -> list[dict]:
    """The registered cards for this venture and this request's user."""
    out = []
    for section in _venture_sections:
        card = section(request, venture)
        if card:
            out.append(card)
    return out
