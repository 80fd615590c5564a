"""Fixtures for the reader tests: report files built from the seeds (see fixtures.py)."""
from __future__ import annotations

import pytest

from tests.readers.fixtures import SeedDoc


@pytest.fixture(scope="session")
def seed_docs() -> dict:
    return {}


@pytest.fixture
def seed_doc(seed, seed_docs) -> SeedDoc:
    if seed not in seed_docs:
        seed_docs[seed] = SeedDoc(seed)
    return seed_docs[seed]
