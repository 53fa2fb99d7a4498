"""Logging filters. `OneLineClientErrors`: a 4xx answer (403 PermissionDenied, 400 from a
suspicious or bad request) is logged as one line, without the traceback Django attaches; the
traceback of a client's mistake says nothing about the server. 5xx keep theirs."""

from __future__ import annotations

import logging


class OneLineClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        client_error = status is not None and 400 <= int(status) < 500
        if client_error or record.name.startswith("django.security"):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
