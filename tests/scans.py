"""Degraded scans of the seed reports, made in the tests (never hand-fitted).

A seed is drawn in the official table layout as a PDF (``tests.readers.fixtures.build_pdf``, with
an embedded CJK font), rasterised with pypdfium2 and then damaged the way a printed, signed and
stamped report comes back from an office scanner: yellowish paper, a small rotation, blur, sensor
noise, a red official seal stamped across some digits, JPEG compression. The pages are packed
into an image-only PDF (no text layer) or written as images (PNG, JPEG, multi-page TIFF).

Every choice comes from a ``random.Random(variant)``: a failing case is reproduced by its number.
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.readers.fixtures import SeedDoc, build_pdf, cjk_font_path


@dataclass
class ScanOptions:
    dpi: int = 200
    angle: float = 1.0               # degrees, counter-clockwise
    blur: float = 0.6                # Gaussian radius in pixels at 200 dpi
    noise: float = 6.0               # standard deviation of the grey noise
    jpeg_quality: int = 60
    paper: tuple[int, int, int] = (250, 244, 222)
    seals: int = 1                   # red seals stamped across table digits
    turn: int = 0                    # 0 / 90 / 180 / 270: page scanned sideways or upside down
    pages_turned: tuple[int, ...] = ()   # which pages (0-based) get ``turn``; empty: all
    filler_pages: int = 0            # extra pages of narrative text (a long report)
    ruled: bool = True               # False: tables drawn without ruling lines

    @classmethod
    def random(cls, variant: int) -> "ScanOptions":
        rng = random.Random(variant)
        return cls(dpi=rng.choice((150, 200, 240, 300)),
                   angle=rng.choice((-1, 1)) * rng.uniform(0.5, 2.0),
                   blur=rng.uniform(0.3, 0.9),
                   noise=rng.uniform(3.0, 10.0),
                   jpeg_quality=rng.randint(50, 70),
                   paper=(rng.randint(240, 252), rng.randint(232, 246), rng.randint(205, 225)),
                   seals=rng.randint(1, 2))


@dataclass
class Scan:
    pages: list[Image.Image]
    options: ScanOptions
    seal_centres: list[tuple[int, float, float]] = field(default_factory=list)   # page, x, y in points

    def pdf_bytes(self) -> bytes:
        """An image-only PDF: each page one JPEG at the scan's resolution."""
        frames = [_jpeg_roundtrip(p, self.options.jpeg_quality) for p in self.pages]
        buf = io.BytesIO()
        frames[0].save(buf, "PDF", save_all=True, append_images=frames[1:], resolution=self.options.dpi)
        return buf.getvalue()

    def tiff_bytes(self) -> bytes:
        frames = [_jpeg_roundtrip(p, self.options.jpeg_quality) for p in self.pages]
        buf = io.BytesIO()
        frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw",
                       dpi=(self.options.dpi, self.options.dpi))
        return buf.getvalue()

    def image_bytes(self, page: int, fmt: str = "PNG") -> bytes:
        img = _jpeg_roundtrip(self.pages[page], self.options.jpeg_quality)
        buf = io.BytesIO()
        img.save(buf, fmt, **({"quality": self.options.jpeg_quality} if fmt == "JPEG" else {}))
        return buf.getvalue()


def _jpeg_roundtrip(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def digit_positions(pdf: bytes) -> list[tuple[int, float, float]]:
    """Where the table digits sit in the clean PDF (page index, x, y in points): seal targets."""
    import pdfplumber
    out = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for i, page in enumerate(doc.pages):
            for t in page.find_tables():
                x0, top, x1, bottom = t.bbox
                for ch in page.chars:
                    if ch["text"].isdigit() and x0 < ch["x0"] < x1 and top < ch["top"] < bottom:
                        out.append((i, (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2))
    return out


def make_scan(doc: SeedDoc, options: ScanOptions, variant: int = 0) -> Scan:
    rng = random.Random(variant * 7919 + 17)
    pdf = build_pdf(doc, filler_pages=options.filler_pages, ruled=options.ruled)
    targets = digit_positions(pdf)
    seals = [rng.choice(targets) for _ in range(options.seals)] if targets else []
    pages = []
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(pdf)
    try:
        for i in range(len(document)):
            img = document[i].render(scale=options.dpi / 72).to_pil().convert("RGB")
            img = _paper(img, options.paper)
            for page, x, y in seals:
                if page == i:
                    _stamp(img, x * options.dpi / 72, y * options.dpi / 72, options.dpi, rng)
            img = img.rotate(options.angle, resample=Image.BICUBIC, expand=False, fillcolor=options.paper)
            img = img.filter(ImageFilter.GaussianBlur(options.blur * options.dpi / 200))
            img = _noise(img, options.noise, rng)
            if options.turn and (not options.pages_turned or i in options.pages_turned):
                img = img.rotate(options.turn, expand=True)
            pages.append(img)
    finally:
        document.close()
    return Scan(pages, options, seals)


def _paper(img: Image.Image, paper: tuple[int, int, int]) -> Image.Image:
    arr = np.asarray(img, dtype=np.float32) / 255.0
    arr = arr * np.array(paper, dtype=np.float32)
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def _noise(img: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    gen = np.random.default_rng(rng.randint(0, 2**31))
    arr = np.asarray(img, dtype=np.float32)
    arr += gen.normal(0.0, sigma, arr.shape[:2])[..., None]
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def _stamp(img: Image.Image, cx: float, cy: float, dpi: int, rng: random.Random) -> None:
    """A round red seal (ring, star, agency text), multiplied onto the page like real ink."""
    r = dpi * rng.uniform(0.75, 0.9)             # about 40 mm across
    size = int(2 * r + 8)
    ink = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(ink)
    c = size / 2
    w = max(2, int(dpi / 60))
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=w)
    star = []
    for k in range(10):
        rad = r * (0.28 if k % 2 == 0 else 0.11)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((c + rad * math.cos(a), c + rad * math.sin(a)))
    d.polygon(star, fill=255)
    font_path = cjk_font_path()
    if font_path is not None:
        font = ImageFont.truetype(str(font_path), int(r * 0.22))
        text = "某某市人民政府办公室"
        for k, ch in enumerate(text):
            a = math.pi + (k + 0.5) / len(text) * math.pi          # along the upper arc
            x, y = c + 0.72 * r * math.cos(a), c + 0.72 * r * math.sin(a)
            glyph = Image.new("L", (int(r * 0.3), int(r * 0.3)), 0)
            ImageDraw.Draw(glyph).text((0, 0), ch, fill=255, font=font)
            glyph = glyph.rotate(-math.degrees(a) - 90, expand=True)
            ink.paste(255, (int(x - glyph.width / 2), int(y - glyph.height / 2)), glyph)
    # uneven ink: lighter patches, as a real stamp leaves
    gen = np.random.default_rng(rng.randint(0, 2**31))
    patch = gen.uniform(0.55, 0.95, (size // 16 + 1, size // 16 + 1))
    patch = np.kron(patch, np.ones((16, 16)))[:size, :size]
    alpha = np.asarray(ink, dtype=np.float32) / 255.0 * patch
    colour = np.array([205, 30, 40], dtype=np.float32) / 255.0
    x0, y0 = int(cx - size / 2), int(cy - size / 2)
    page = np.asarray(img, dtype=np.float32)
    h, w_ = page.shape[:2]
    sx0, sy0, sx1, sy1 = max(x0, 0), max(y0, 0), min(x0 + size, w_), min(y0 + size, h)
    if sx1 <= sx0 or sy1 <= sy0:
        return
    a = alpha[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0, None]
    region = page[sy0:sy1, sx0:sx1]
    page[sy0:sy1, sx0:sx1] = region * (1 - a + a * colour)      # multiply blend: black stays black
    img.paste(Image.fromarray(page.clip(0, 255).astype(np.uint8)))


def write_scan(doc: SeedDoc, path: Path, variant: int, options: ScanOptions | None = None) -> Scan:
    scan = make_scan(doc, options or ScanOptions.random(variant), variant)
    path.write_bytes(scan.pdf_bytes())
    return scan
