"""One scanned page from pixels to plain data: straightened, ruled tables found, cells read.

``read_page`` returns a ``PageResult``: JSON-able (it is what the cache keeps), with boxes in
points on the straightened page, so the page view can draw them over the straightened image it
also keeps. ``page_blocks`` turns it into the reader blocks (paragraphs and grids) that
``core.readers.base.build_report`` maps onto the official tables.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import cv2
import numpy as np

from core.readers.base import Block, Paragraph
from core.readers.grid import Grid, GridCell
from core.scan import cleanup, ruling
from core.scan.engine import OcrEngine, TextLine
from core.scan.evidence import MIN_CONFIDENCE, SEAL_SHARE, as_value_text, cell_doubt
from core.scan.images import PageImage

PIPELINE_VERSION = 1          # bump when results would differ: old cache entries are ignored


@dataclass
class CellResult:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: list[float]                 # points on the straightened page
    text: str                         # the text the report reads (value text or label)
    ocr_text: str = ""                # what the recogniser returned for the page
    confidence: float | None = None
    doubt: str | None = None
    alternatives: list[str] = field(default_factory=list)
    value: bool = False               # read as a value cell (number, mark or blank)


@dataclass
class LineResult:
    text: str
    bbox: list[float]
    confidence: float


@dataclass
class PageResult:
    number: int
    width: float                      # points
    height: float
    turned: int = 0                   # quarter turns applied to make the page upright (degrees)
    skew: float = 0.0                 # degrees corrected
    tables: list[list[CellResult]] = field(default_factory=list)
    table_boxes: list[list[float]] = field(default_factory=list)
    lines: list[LineResult] = field(default_factory=list)     # text outside the tables
    image: str | None = None          # straightened page image (file name in the cache entry)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict) -> "PageResult":
        tables = [[CellResult(**c) for c in t] for t in obj.get("tables", [])]
        lines = [LineResult(**ln) for ln in obj.get("lines", [])]
        rest = {k: v for k, v in obj.items() if k not in ("tables", "lines")}
        return cls(tables=tables, lines=lines, **rest)


@dataclass
class Straightened:
    """A page made upright and level: colour (for the view), grey without red, ink, seal mask."""

    rgb: np.ndarray
    grey: np.ndarray
    binary: np.ndarray
    red: np.ndarray
    turned: int
    skew: float


def straighten(rgb: np.ndarray, turned: int = 0) -> Straightened:
    rgb = cleanup.turn(rgb, turned)
    grey = cleanup.grey_without_red(rgb)
    binary = cleanup.binarise(grey)
    if turned == 0 and cleanup.sideways(binary):
        return straighten(rgb, 90)
    skew = cleanup.skew_angle(binary)
    if skew:
        rgb = cleanup.rotate(rgb, skew, (255, 255, 255))
        grey = cleanup.rotate(grey, skew, 255)
        binary = cleanup.binarise(grey)
    return Straightened(rgb, grey, binary, cleanup.red_mask(rgb), turned, skew)


def _crop(img: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    return img[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)]


def _upside_down(eng: OcrEngine, grey3: np.ndarray, lines: list[TextLine]) -> bool:
    sample = sorted((ln for ln in lines if len(ln.text) >= 3),
                    key=lambda ln: ln.box[2] - ln.box[0], reverse=True)[:16]
    crops = [c for c in (_crop(grey3, ln.box) for ln in sample) if c.size and c.shape[0] > 4]
    return len(crops) >= 3 and eng.upside_down(crops) >= 0.6


def _mostly_tall(lines: list[TextLine]) -> bool:
    """Most detected text lines are much taller than wide: the page is turned 90°."""
    tall = sum(1 for ln in lines if (ln.box[3] - ln.box[1]) > 2 * (ln.box[2] - ln.box[0]))
    wide = sum(1 for ln in lines if (ln.box[2] - ln.box[0]) > 2 * (ln.box[3] - ln.box[1]))
    return tall >= 8 and tall > 2 * wide


def read_page(eng: OcrEngine, page: PageImage) -> tuple[PageResult, np.ndarray]:
    """Read one page; returns the result and the straightened colour image (for the view)."""
    st = straighten(page.rgb)
    tables, rules, lines, clean = _recognise(eng, st)
    if _mostly_tall(lines):
        # the text runs up or down the page: it lies on its side (the profile guess was wrong)
        st = straighten(page.rgb, (st.turned + 90) % 360)
        tables, rules, lines, clean = _recognise(eng, st)
    if _upside_down(eng, clean, lines):
        st = straighten(page.rgb, (st.turned + 180) % 360)
        tables, rules, lines, clean = _recognise(eng, st)
    s = page.pt_per_px
    h, w = st.grey.shape[:2]
    result = PageResult(page.number, round(w * s, 2), round(h * s, 2), st.turned, st.skew)
    ink = cv2.bitwise_and(st.binary, cv2.bitwise_not(cv2.dilate(rules, np.ones((5, 5), np.uint8))))
    ink = _without_specks(ink)
    used: set[int] = set()
    pending: list[_Pending] = []
    for table in tables:
        cells_out = []
        for cell in table.cells:
            inside = [i for i, ln in enumerate(lines) if i not in used and _centre_in(ln.box, cell.box)]
            used.update(inside)
            cell_lines = sorted((lines[i] for i in inside), key=lambda ln: (round(ln.box[1] / 8), ln.box[0]))
            raw = "\n".join(ln.text for ln in cell_lines)
            conf = min((ln.score for ln in cell_lines), default=None)
            res = CellResult(cell.row, cell.col, cell.rowspan, cell.colspan, _pt(cell.box, s), raw, raw,
                             None if conf is None else round(conf, 4))
            value = as_value_text(raw.replace("\n", ""))
            if value is not None:
                interior = _interior(cell.box)
                has_ink, crop = _ink_crop(ink, clean, interior)
                sealed = _sealed(st.red, interior)
                res.value = True
                res.text = value.text
                pending.append(_Pending(res, crop, value.doubt or "", has_ink, sealed))
            cells_out.append(res)
        result.tables.append(cells_out)
        result.table_boxes.append(_pt(table.box, s))
    _second_opinion(eng, pending)
    outside = [ln for i, ln in enumerate(lines) if i not in used]
    result.lines = [LineResult(ln.text, _pt(ln.box, s), round(ln.score, 4)) for ln in _reading_order(outside)]
    return result, st.rgb


def _recognise(eng: OcrEngine, st: Straightened):
    tables, rules = ruling.find_tables(st.binary)
    clean = st.grey.copy()
    clean[cv2.dilate(rules, np.ones((5, 5), np.uint8)) > 0] = 255
    clean3 = cv2.cvtColor(clean, cv2.COLOR_GRAY2RGB)
    lines = _split_straddling(eng, eng.read_lines(clean3), tables, clean3)
    return tables, rules, lines, clean3


def _split_straddling(eng: OcrEngine, lines: list[TextLine], tables, clean3: np.ndarray) -> list[TextLine]:
    """A detected line that straddles a row rule is two lines the detector merged (a seal or
    tight rows can bridge them): cut it at the rule and read each part in its own cell.
    (Order does not matter: lines go to cells by position, the rest into reading order.)"""
    kept: list[TextLine] = []
    parts: list[tuple[float, float, float, float]] = []
    for ln in lines:
        pieces = _row_pieces(ln.box, tables)
        if len(pieces) < 2:
            kept.append(ln)
        else:
            parts += pieces
    crops = [(box, _crop(clean3, box)) for box in parts]
    crops = [(box, c) for box, c in crops if c.shape[0] >= 4 and c.shape[1] >= 2]
    readings = eng.read_crops([c for _, c in crops])
    return kept + [TextLine(r.text, r.score, box, False, r.alternatives)
                   for (box, _), r in zip(crops, readings) if r.text.strip()]


def _row_pieces(box, tables) -> list[tuple[float, float, float, float]]:
    """The parts of a line's box in each table cell it overlaps by a good share of its height,
    when those cells lie in more than one row (else: nothing to cut)."""
    x0, y0, x1, y1 = box
    need = max(0.3 * (y1 - y0), 6)
    pieces = {}
    for table in tables:
        for cell in table.cells:
            cx0, cy0, cx1, cy1 = cell.box
            if min(x1, cx1) > max(x0, cx0) and min(y1, cy1) - max(y0, cy0) >= need:
                pieces[(cy0, cx0)] = (max(x0, cx0), max(y0, cy0), min(x1, cx1), min(y1, cy1))
    rows = {round(y) for y, _ in pieces}
    return [pieces[k] for k in sorted(pieces)] if len(rows) >= 2 else []


@dataclass
class _Pending:
    """A value cell waiting for its second reading."""

    res: CellResult
    crop: np.ndarray | None
    value_doubt: str
    has_ink: bool
    sealed: bool


def _second_opinion(eng: OcrEngine, pending: list[_Pending]) -> None:
    """Read every inked value cell again on its own crop; settle each cell's doubt."""
    crops = [(i, p.crop) for i, p in enumerate(pending) if p.crop is not None]
    readings = eng.read_crops([c for _, c in crops])
    by_index = dict(zip((i for i, _ in crops), readings))
    for i, p in enumerate(pending):
        res, value_doubt = p.res, p.value_doubt
        second = by_index.get(i)
        crop_value = as_value_text(second.text) if second is not None else None
        crop_text = None if second is None else (crop_value.text if crop_value is not None else second.text)
        conf = res.confidence if res.confidence is not None else (second.score if second else 0.0)
        if not res.text and second is not None and crop_value is not None and crop_value.text:
            # the page's line detector missed a small mark: the crop reading is the only one
            res.text, res.ocr_text, conf = crop_value.text, second.text, second.score
        why = [value_doubt] if value_doubt else []
        why += cell_doubt(res.text, crop_text, conf if res.text else 1.0, p.has_ink, p.sealed)
        if second is not None and crop_value is not None and second.score < MIN_CONFIDENCE and res.text:
            why.append(f"单格识别置信度低（{second.score:.2f}）")
        alts = []
        for alt in ([crop_text] if crop_text and crop_text != res.text else []) + list(second.alternatives if second else ()):
            v = as_value_text(alt)
            if v is not None and v.text and v.text != res.text and v.text not in alts:
                alts.append(v.text)
        res.alternatives = alts
        res.confidence = None if conf is None else round(min(conf, second.score) if second and res.text else conf, 4)
        res.doubt = "；".join(dict.fromkeys(w for w in why if w)) or None


def _without_specks(ink: np.ndarray) -> np.ndarray:
    """Ink without isolated noise specks (a few pixels), which no digit or mark is made of."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(n, dtype=np.uint8)
    keep[1:] = (stats[1:, cv2.CC_STAT_AREA] >= 12).astype(np.uint8) * 255
    return keep[labels]


def _interior(box: tuple[int, int, int, int], margin: int = 4) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return (x0 + margin, y0 + margin, max(x1 - margin, x0 + margin + 1), max(y1 - margin, y0 + margin + 1))


def _ink_crop(ink: np.ndarray, clean3: np.ndarray, box) -> tuple[bool, np.ndarray | None]:
    """Whether the cell holds a mark, and a tight crop of it (padded) for a second reading."""
    region = _crop(ink, box)
    if region.size == 0:
        return False, None
    ys, xs = np.nonzero(region)
    if len(xs) < 15:
        return False, None
    x0, y0 = box[0], box[1]
    pad = 6
    tight = (x0 + xs.min() - pad, y0 + ys.min() - pad, x0 + xs.max() + pad + 1, y0 + ys.max() + pad + 1)
    crop = _crop(clean3, tight)
    return True, crop if crop.size else None


def _sealed(red: np.ndarray, box) -> bool:
    region = _crop(red, box)
    return region.size > 0 and float(region.mean()) >= SEAL_SHARE


def _centre_in(b, box) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _pt(box, s: float) -> list[float]:
    return [round(float(v) * s, 2) for v in box]


def _reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Lines top to bottom; pieces of one printed line (same height band) left to right, joined."""
    rows: list[list[TextLine]] = []
    for ln in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        cy = (ln.box[1] + ln.box[3]) / 2
        if rows:
            last = rows[-1]
            top = min(x.box[1] for x in last)
            bottom = max(x.box[3] for x in last)
            if top <= cy <= bottom:
                last.append(ln)
                continue
        rows.append([ln])
    out = []
    for row in rows:
        row.sort(key=lambda ln: ln.box[0])
        if len(row) == 1:
            out.append(row[0])
            continue
        text = " ".join(ln.text for ln in row)
        box = (min(x.box[0] for x in row), min(x.box[1] for x in row),
               max(x.box[2] for x in row), max(x.box[3] for x in row))
        out.append(TextLine(text, min(x.score for x in row), box))
    return out


def page_blocks(result: PageResult) -> list[Block]:
    """The page as reader blocks: text lines and grids in top-to-bottom order."""
    items: list[tuple[float, int, Block]] = []
    for cells, box in zip(result.tables, result.table_boxes):
        grid_cells = [GridCell(c.text, c.row, c.col, c.rowspan, c.colspan, page=result.number,
                               bbox=tuple(c.bbox), confidence=c.confidence, ocr_text=c.ocr_text,
                               doubt=c.doubt, alternatives=tuple(c.alternatives), how="ocr")
                      for c in cells]
        if grid_cells:
            items.append((box[1], 1, Grid(grid_cells, page=result.number)))
    for ln in result.lines:
        items.append((ln.bbox[1], 0, Paragraph(ln.text)))
    items.sort(key=lambda x: (x[0], x[1]))
    return [b for _, _, b in items]
