"""Matching models: embeddings, proposals, feedback, runs."""
