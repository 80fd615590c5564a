"""Fixtures for the reader tests: report files built from the seeds (see fixtures.py)."""
from __future__ import annotations

import pytest

from tests.readers.fixtures import SeedDoc


_DOCS: dict = {}


def doc_for(seed) -> SeedDoc:
    if seed not in _DOCS:
        _DOCS[seed] = SeedDoc(seed)
    return _DOCS[seed]


@pytest.fixture
def seed_doc(seed) -> SeedDoc:
    return doc_for(seed)
