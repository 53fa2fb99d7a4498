"""The broker, reached with short timeouts: neither a request nor the relay waits on a dead one.

`broker_connection()` connects once (no retry loop: kombu's default would retry for seconds)
within CELERY_BROKER_CONNECTION_TIMEOUT, which also bounds every read and write on it. `broker_epoch(conn)` names the broker's data set: a
key the first sender writes with SET NX. Redis restarted without its data (or flushed) has
lost the key with the messages, so a message recorded under another epoch is known to be
lost and is sent again (outbox/relay.py). With persistence (AOF) the key survives a restart
and nothing is sent twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from celery import current_app
from django.conf import settings
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

EPOCH_KEY = "sangaku:outbox:epoch"

# What a broker outage raises (kombu wraps most of them in its OperationalError).
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    KombuOperationalError,
    RedisError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def eager() -> bool:
    """True without a broker: tasks run in-process (CELERY_TASK_ALWAYS_EAGER)."""
    return bool(current_app.conf.task_always_eager)


@contextmanager
def broker_connection() -> Iterator:
    """A connection to the broker, or one of BROKER_ERRORS within the connection timeout."""
    timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    # A broker that accepts the connection and then hangs must not hold a request either:
    # every read and write on this connection gives up after the same short timeout.
    conn = current_app.connection_for_write(
        transport_options={"socket_connect_timeout": timeout, "socket_timeout": timeout}
    )
    try:
        conn.ensure_connection(
            max_retries=1,
            interval_start=0,
            interval_step=0,
            interval_max=0,
            timeout=timeout,
        )
        yield conn
    finally:
        conn.release()


def broker_epoch(conn) -> str:
    """The identity of the broker's data set ("" for a broker without keys)."""
    client = getattr(conn.default_channel, "client", None)
    if client is None or not hasattr(client, "pipeline"):
        return ""
    pipe = client.pipeline()
    pipe.set(EPOCH_KEY, uuid.uuid4().hex, nx=True)
    pipe.get(EPOCH_KEY)
    _, value = pipe.execute()
    if isinstance(value, bytes):
        value = value.decode()
    return value or ""


def broker_ping() -> tuple[bool, str]:
    """(reachable, detail) for the readiness probe; never raises."""
    if eager():
        return True, "eager"
    try:
        with broker_connection() as conn:
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()
        return True, "ok"
    except BROKER_ERRORS as exc:
        return False, type(exc).__name__
