"""The OCR engine: RapidOCR's PP-OCR models on onnxruntime, loaded once and only when needed.

Importing this module costs nothing; the models are loaded by the first ``engine()`` call, so
opening a text or Word report never pays for the OCR stack. RapidOCR 3.x carries its detection,
direction and recognition models inside its wheel: nothing is downloaded, ever.

Three services:
- ``read_lines``: detection + recognition of a whole page, every line with its box and score
  (RapidOCR's own score filter is off: a line it is unsure of is exactly what we must show);
- ``upside_down``: the direction classifier's vote on a sample of lines (page orientation);
- ``read_crops``: recognition alone of single-cell crops, decoded here from the model's
  per-frame probabilities so that each reading comes with the recogniser's alternatives (the
  runner-up character where it was nearly as likely).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]

# characters a value cell may hold; alternatives are offered among these only
VALUE_CHARS = set("0123456789./-—,，．")
ALT_MIN = 0.08            # a runner-up at least this probable is an alternative
DET_LONG_SIDE = 1800      # detection runs on the page reduced to this (recognition on full size)


@dataclass(frozen=True)
class TextLine:
    text: str
    score: float
    box: Box                      # axis-aligned, working pixels
    tall: bool = False            # the detected quad is taller than wide (sideways text)
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class CropReading:
    text: str
    score: float                  # mean probability of the emitted characters (0 when empty)
    alternatives: tuple[str, ...] = ()


class OcrEngine:
    def __init__(self) -> None:
        from rapidocr import RapidOCR

        self._ocr = RapidOCR(params={"Global.log_level": "error", "Global.text_score": 0.0,
                                     "Det.limit_side_len": 32, "Rec.rec_batch_num": 8})
        self._lock = threading.Lock()

    def read_lines(self, rgb: np.ndarray) -> list[TextLine]:
        """Detect the text lines (on a reduced page: detection needs no fine detail) and read
        each from the full-resolution page."""
        import cv2

        h, w = rgb.shape[:2]
        s = min(1.0, DET_LONG_SIDE / max(h, w))
        small = cv2.resize(rgb, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1.0 else rgb
        with self._lock:
            det = self._ocr._load_det_model()(small)
        if det.boxes is None or len(det.boxes) == 0:
            return []
        quads = np.asarray(det.boxes, dtype=np.float32) / s
        line_height = _line_height(quads)
        boxes, crops, tall = [], [], []
        for q in quads:
            x0, y0 = q.min(axis=0)
            x1, y1 = q.max(axis=0)
            pad = max(2.0, (y1 - y0) * 0.08)
            box = (max(float(x0 - pad), 0.0), max(float(y0 - pad), 0.0), min(float(x1 + pad), w), min(float(y1 + pad), h))
            crop = rgb[int(box[1]):int(np.ceil(box[3])), int(box[0]):int(np.ceil(box[2]))]
            if crop.size == 0 or crop.shape[0] < 4 or crop.shape[1] < 2:
                continue
            a = float(np.linalg.norm(q[1] - q[0]))
            b = float(np.linalg.norm(q[2] - q[1]))
            # a column of vertical text is much taller than a line; a lone "1" or "0" is not
            vertical = b > 1.5 * a and b > 2.0 * line_height
            boxes.append(box)
            tall.append(vertical)
            crops.append(np.ascontiguousarray(np.rot90(crop, -1)) if vertical else crop)
        readings = self.read_crops(crops)
        return [TextLine(r.text, r.score, box, t, r.alternatives)
                for r, box, t in zip(readings, boxes, tall) if r.text.strip()]

    def upside_down(self, crops: list[np.ndarray]) -> float:
        """Share of sample line crops the direction classifier says are turned 180°."""
        if not crops:
            return 0.0
        with self._lock:
            cls = self._ocr._load_cls_model()
            res = cls(crops)
        labels = [lab for lab, score in (res.cls_res or []) if score >= 0.6]
        return sum(1 for lab in labels if str(lab) == "180") / max(len(labels), 1)

    def read_crops(self, crops: list[np.ndarray]) -> list[CropReading]:
        """Recognise single-line crops (RGB), with per-character alternatives."""
        if not crops:
            return []
        with self._lock:
            rec = self._ocr._load_rec_model()
            chars = rec.postprocess_op.character
            order = np.argsort([c.shape[1] / max(c.shape[0], 1) for c in crops])
            out: list[CropReading | None] = [None] * len(crops)
            batch = 8
            _, img_h, img_w = rec.rec_image_shape[:3]
            for start in range(0, len(crops), batch):
                idx = order[start:start + batch]
                ratio = max([img_w / img_h] + [crops[i].shape[1] / max(crops[i].shape[0], 1) for i in idx])
                norm = np.stack([rec.resize_norm_img(crops[i], ratio) for i in idx]).astype(np.float32)
                preds = rec.session(norm)
                for j, i in enumerate(idx):
                    out[i] = _decode(preds[j], chars)
        return [o or CropReading("", 0.0) for o in out]


def _line_height(quads: np.ndarray) -> float:
    """The usual height of a horizontal text line on the page (median over the wider boxes)."""
    widths = np.linalg.norm(quads[:, 1] - quads[:, 0], axis=1)
    heights = np.linalg.norm(quads[:, 2] - quads[:, 1], axis=1)
    wide = heights[widths >= heights]
    return float(np.median(wide)) if len(wide) else float(np.median(heights))


def _decode(probs: np.ndarray, chars: list[str]) -> CropReading:
    """Greedy CTC decoding that keeps, per emitted character, a likely runner-up."""
    best = probs.argmax(axis=1)
    text: list[str] = []
    conf: list[float] = []
    runner: list[tuple[int, str, float]] = []
    prev = 0
    for t, k in enumerate(best):
        k = int(k)
        if k != 0 and k != prev:
            text.append(chars[k])
            conf.append(float(probs[t, k]))
            second = np.argsort(probs[t])[-2:][::-1]
            for s in second:
                s = int(s)
                if s not in (0, k) and float(probs[t, s]) >= ALT_MIN and chars[s] in VALUE_CHARS:
                    runner.append((len(text) - 1, chars[s], float(probs[t, s])))
        elif k != 0 and k == prev:
            conf[-1] = max(conf[-1], float(probs[t, k]))
        prev = k
    joined = "".join(text)
    alts = []
    for pos, ch, _p in sorted(runner, key=lambda r: -r[2])[:3]:
        alt = joined[:pos] + ch + joined[pos + 1:]
        if alt != joined and alt not in alts:
            alts.append(alt)
    return CropReading(joined, float(np.mean(conf)) if conf else 0.0, tuple(alts))


_ENGINE: OcrEngine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> OcrEngine:
    """The one engine of this process (loading the models takes about a second)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = OcrEngine()
        return _ENGINE
