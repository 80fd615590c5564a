"""OCR results cached per file content, so reopening a scan is instant.

An entry is a folder named by the SHA-256 of the file's bytes (plus the pipeline and recogniser
versions): ``result.json`` with every page's ``PageResult`` and the straightened page images the
page view shows. The cache lives in the user's cache folder; a damaged or foreign entry is simply
read again, and a cache that cannot be written (read-only home, full disk) costs only speed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from core.scan.pipeline import PIPELINE_VERSION, PageResult

APP = "gov-report-review"


def cache_root() -> Path:
    """The per-user cache folder (``GOV_REPORT_CACHE`` overrides it, e.g. for tests)."""
    override = os.environ.get("GOV_REPORT_CACHE")
    if override:
        return Path(override)
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / APP / "Cache" / "ocr"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP / "ocr"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / APP / "ocr"


def _recogniser_version() -> str:
    try:
        from importlib.metadata import version
        return version("rapidocr")
    except Exception:
        return "?"


def content_key(data: bytes, salt: str = "") -> str:
    h = hashlib.sha256(data)
    h.update(f"|pipeline {PIPELINE_VERSION}|rapidocr {_recogniser_version()}|{salt}".encode())
    return h.hexdigest()


class Entry:
    """One file's cached pages; pages are added as they are read, saved atomically."""

    def __init__(self, key: str) -> None:
        self.folder = cache_root() / key
        self.pages: dict[int, PageResult] = {}
        self._load()

    def _load(self) -> None:
        try:
            obj = json.loads((self.folder / "result.json").read_text(encoding="utf-8"))
            for p in obj.get("pages", []):
                page = PageResult.from_json(p)
                if page.image and not (self.folder / page.image).exists():
                    continue
                self.pages[page.number] = page
        except (OSError, ValueError, TypeError, KeyError):
            self.pages = {}

    def image_path(self, page: PageResult) -> str | None:
        return str(self.folder / page.image) if page.image else None

    def put(self, page: PageResult, rgb) -> None:
        """Keep a page's result and its straightened image (JPEG, enough for the view)."""
        try:
            import cv2
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"page-{page.number:04d}.jpg"
            ok, buf = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 85])
            if ok:
                (self.folder / name).write_bytes(buf.tobytes())
                page.image = name
            self.pages[page.number] = page
            self._save()
        except OSError:
            self.pages[page.number] = page

    def _save(self) -> None:
        data = json.dumps({"pages": [p.to_json() for p in sorted(self.pages.values(), key=lambda p: p.number)]},
                          ensure_ascii=False).encode("utf-8")
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".result-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, self.folder / "result.json")
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise


def clear() -> None:
    shutil.rmtree(cache_root(), ignore_errors=True)
