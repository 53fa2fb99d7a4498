"""Embeddings, retrieval, scoring, proposals, evaluation and the Celery tasks of the matcher."""
