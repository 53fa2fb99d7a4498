"""Background work requested by a write: the one way every app asks for a Celery task."""
