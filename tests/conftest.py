"""Shared fixtures: the seed reports and their hand-read expected cells."""
from __future__ import annotations

import json
import os
import tempfile
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt's settings of any window a test opens go to a folder of this run, never the user's own
# (the GUI fixtures point QSettings at tmp too; this also covers windows made outside them)
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="gov-report-test-config-")

SEEDS = ROOT.parent / "shared" / "seeds"
if not SEEDS.exists():  # a checkout without shared/ beside it: use the bundled copies
    SEEDS = ROOT / "tests" / "data" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def expected_for(path: Path) -> dict:
    return json.loads((path.parent / "expected" / (path.stem + ".json")).read_text(encoding="utf-8"))


@pytest.fixture(params=SEED_FILES, ids=[p.stem[:3] for p in SEED_FILES])
def seed(request) -> Path:
    return request.param


@pytest.fixture(scope="session", autouse=True)
def _ocr_cache(tmp_path_factory):
    """OCR results go to a folder of this test run, never the user's cache (shared by the tests,
    so a scan read once is not OCR'd again by the next test that opens the same bytes)."""
    old = os.environ.get("GOV_REPORT_CACHE")
    os.environ["GOV_REPORT_CACHE"] = str(tmp_path_factory.mktemp("ocr-cache"))
    yield
    if old is None:
        os.environ.pop("GOV_REPORT_CACHE", None)
    else:
        os.environ["GOV_REPORT_CACHE"] = old
