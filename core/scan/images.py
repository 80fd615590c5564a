"""Page images from scan files: image formats (PNG, JPEG, TIFF, BMP) and PDF pages.

Every page is brought to a working resolution the recogniser reads well (a table digit some
20–40 pixels high): about 200 dpi for an A4 page. Coordinates reported to the auditor are in
points (1/72 inch); for an image file without a trustworthy resolution a pixel counts as a point
at 72 dpi (contract.md), so ``pt_per_px`` maps working pixels back to that frame.

Images are checked by their header before any pixel is decoded: a page above ``MAX_PIXELS`` is
refused (a decompression bomb, or a scan far beyond any useful resolution).
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.loader import LoadError

MAX_PIXELS = 80_000_000          # one page; an A4 page at 600 dpi is 35 Mpx
MAX_FRAMES = 500
WORK_LONG_SIDE = 2400            # A4 at ~200 dpi
PDF_DPI = 200

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"II*\x00", "TIFF"),
               (b"MM\x00*", "TIFF"), (b"BM", "BMP"))


@dataclass
class PageImage:
    """One page at working resolution (RGB, uint8) and its scale to the reported frame."""

    number: int                   # 1-based
    rgb: np.ndarray
    pt_per_px: float              # points (or 72-dpi pixels) per working pixel


def image_kind(data: bytes) -> str | None:
    """The image format by its magic bytes (a BMP also by its reserved header bytes, which are 0)."""
    for magic, name in IMAGE_MAGIC:
        if data.startswith(magic) and (name != "BMP" or data[6:10] == b"\0\0\0\0"):
            return name
    return None


def _work_scale(width: int, height: int) -> float:
    """Down-scale factor for a very large scan (never up: upscaling invents nothing)."""
    return min(1.0, WORK_LONG_SIDE / max(width, height, 1))


def image_pages(path: Path, data: bytes) -> tuple[int, Iterator[PageImage]]:
    """The frames of an image file (TIFF may hold many), decoded one at a time."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None            # we check the size ourselves, with our own message
    try:
        img = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as e:
        kind = image_kind(data)
        what = f"看起来是 {kind} 图片，但" if kind else "图片"
        raise LoadError(path, f"{what}已损坏或格式无法识别（{type(e).__name__}）") from e
    frames = getattr(img, "n_frames", 1)
    if frames > MAX_FRAMES:
        raise LoadError(path, f"图片页数过多（{frames} 页，上限 {MAX_FRAMES} 页）")

    def gen() -> Iterator[PageImage]:
        for i in range(frames):
            try:
                img.seek(i)
                w, h = img.size
                if w * h > MAX_PIXELS:
                    raise LoadError(path, f"第{i + 1}页图片过大（{w}×{h} 像素，上限 {MAX_PIXELS // 1_000_000} 百万像素），"
                                          "疑为恶意构造的图片，已拒绝读取；请以 300 dpi 以下重新扫描")
                frame = ImageOps.exif_transpose(img) if i == 0 else img
                frame = frame.convert("RGB")
            except LoadError:
                raise
            except (OSError, ValueError, SyntaxError) as e:
                raise LoadError(path, f"图片第{i + 1}页已损坏或不完整，无法读取（{type(e).__name__}）") from e
            s = _work_scale(*frame.size)
            if s < 1.0:
                frame = frame.resize((round(frame.width * s), round(frame.height * s)), Image.LANCZOS)
            yield PageImage(i + 1, np.asarray(frame), 1.0 / s)

    return frames, gen()


def render_pdf_page(document, index: int) -> PageImage:
    """One PDF page rasterised with pypdfium2 at the working resolution."""
    page = document[index]
    try:
        w, h = page.get_size()
        scale = PDF_DPI / 72
        if w * h * scale * scale > MAX_PIXELS or max(w, h) * scale > 3 * WORK_LONG_SIDE:
            scale = min((MAX_PIXELS / max(w * h, 1)) ** 0.5, 3 * WORK_LONG_SIDE / max(w, h, 1))
        bitmap = page.render(scale=scale)
        rgb = np.asarray(bitmap.to_pil().convert("RGB"))
    finally:
        page.close()
    return PageImage(index + 1, rgb, 1.0 / scale)
