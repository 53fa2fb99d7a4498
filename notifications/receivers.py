"""What the notifications app adds to the domain, connected in `NotificationsConfig.ready()`:
the domain's signals of a registration and of a failed import record a notification for the
coordinators, in the transaction that sent them. A receiver only records; who hears of what is
`notifications.services.events`."""

from __future__ import annotations

from profiles.signals import import_job_failed, organization_registered


def on_organization_registered(sender, *, organization_id: int, **kwargs) -> None:
    from notifications.services.events import organization_pending_notify

    organization_pending_notify(organization_id=organization_id)


def on_import_job_failed(sender, *, job_id: int, **kwargs) -> None:
    from notifications.services.events import import_failed_notify

    import_failed_notify(job_id=job_id)


def connect() -> None:
    organization_registered.connect(
        on_organization_registered, dispatch_uid="notifications.organization_registered"
    )
    import_job_failed.connect(on_import_job_failed, dispatch_uid="notifications.import_job_failed")
