"""One-click unsubscribe from an e-mail, without signing in: the link carries a signed token.

RFC 8058: a mail client's "unsubscribe" button POSTs `List-Unsubscribe=One-Click` to the URL
of the `List-Unsubscribe` header, which turns the e-mails off at once (no CSRF token can come
with it; the signed token is the proof). Opening the link in a browser (GET) shows one button
that does the same: a GET never changes anything, because mail scanners open every link of an
e-mail before the person does."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from notifications.kinds import Kind
from notifications.services.preferences import unsubscribe, unsubscribe_target


@csrf_exempt
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    target = unsubscribe_target(token)
    if target is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    labels = dict(Kind.choices)
    if request.method == "POST":
        unsubscribe(token=token)
        done = True
    else:
        done = False
    user, kinds = target
    return render(
        request,
        "notifications/unsubscribe.html",
        {"done": done, "kinds": [labels[k] for k in kinds], "token": token},
    )
