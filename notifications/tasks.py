"""Celery tasks of the notifications app: each takes an id and calls one service.

`send_email(delivery_id)`: one e-mail, exactly once (notifications.services.delivery). The
retry count and backoff live on the delivery row, not in Celery's message: a duplicate
message or a redelivery cannot reset them. `send_daily_digests()` and `sweep_deliveries()`
run in Celery beat (config/settings/).
"""

from __future__ import annotations

from celery import shared_task

from outbox.options import task_options


@shared_task(
    bind=True,
    **task_options("notifications.tasks.send_email")
    | {"retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 50},
)
def send_email(self, delivery_id: int) -> str:
    from notifications.services.delivery import DeliveryRetry, delivery_send

    try:
        return delivery_send(delivery_id=delivery_id)
    except DeliveryRetry as exc:
        raise self.retry(countdown=exc.countdown, exc=exc)


@shared_task(**task_options("notifications.tasks.send_daily_digests"))
def send_daily_digests() -> int:
    from notifications.services.digest import digests_send

    return digests_send()


@shared_task(**task_options("notifications.tasks.sweep_deliveries"))
def sweep_deliveries() -> dict:
    from notifications.services.delivery import deliveries_sweep

    return deliveries_sweep()
