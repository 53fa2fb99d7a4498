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


OUR_APPS = ("outbox.", "profiles.", "cases.", "matching.", "notifications.", "messaging.")


@register()
def check_every_task_is_declared_to_survive_a_lost_worker(app_configs, **kwargs):
    """Every task of ours: acks_late, reject_on_worker_lost, and soft < hard time limit <
    the broker's visibility timeout (outbox/options.py); workers prefetch one message."""
    import importlib

    from config.celery import app

    # Not app.loader.import_default_modules(): Celery's Django fixup runs the system checks
    # from that signal, which would recurse into this check.
    for package in OUR_APPS:
        try:
            importlib.import_module(f"{package}tasks")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}tasks":
                raise
    errors = []
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    ours = {name: task for name, task in app.tasks.items() if name.startswith(OUR_APPS)}
    for name, task in sorted(ours.items()):
        problems = []
        if not task.acks_late:
            problems.append("acks_late is off")
        if not task.reject_on_worker_lost:
            problems.append("reject_on_worker_lost is off")
        soft, hard = task.soft_time_limit, task.time_limit
        if not (soft and hard and soft < hard < visibility):
            problems.append(
                f"soft {soft} < hard {hard} < visibility_timeout {visibility} does not hold"
            )
        if name not in settings.CELERY_TASK_TIME_LIMITS:
            problems.append("no entry in CELERY_TASK_TIME_LIMITS")
        if problems:
            errors.append(Error(f"task {name}: {'; '.join(problems)}", obj=name, id="sangaku.E002"))
    for name in sorted(set(settings.CELERY_TASK_TIME_LIMITS) - set(ours)):
        errors.append(Error(f"CELERY_TASK_TIME_LIMITS names no task: {name}", id="sangaku.E003"))
    if app.conf.worker_prefetch_multiplier != 1:
        errors.append(Error("CELERY_WORKER_PREFETCH_MULTIPLIER must be 1", id="sangaku.E004"))
    return errors
