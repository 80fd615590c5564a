"""Page clean-up before recognition: seal suppression, binarisation, skew and orientation.

Why the red channel: an official seal is red ink stamped over black print. In the red channel
red ink is nearly as bright as the paper while black print stays dark, also where the two overlap
(ink multiplies), so the digits under a seal survive and the seal's own strokes do not reach the
recogniser. The seal is still located (``red_mask``) so that a cell it covers is marked.
"""
from __future__ import annotations

import cv2
import numpy as np

MAX_SKEW = 5.0          # degrees searched either way


def grey_without_red(rgb: np.ndarray) -> np.ndarray:
    """The page as grey levels with red ink (seals, red headers) faded into the paper."""
    r = rgb[..., 0].astype(np.float32)
    paper = float(np.percentile(r, 90)) or 255.0
    grey = np.clip(r * (255.0 / paper), 0, 255).astype(np.uint8)
    # red ink is paper; so is the pale pink fringe JPEG's colour blur leaves around it, which is
    # only somewhat redder than the paper (black under red stays dark and is kept by grey <= 150)
    red = cv2.dilate(red_mask(rgb) | _reddish(rgb), np.ones((5, 5), np.uint8))
    grey[(red > 0) & (grey > 150)] = 255
    return grey


def _reddish(rgb: np.ndarray) -> np.ndarray:
    """Pixels clearly redder than the paper (tinted paper is the baseline), as 0/1."""
    rg = rgb[..., 0].astype(np.int16) - rgb[..., 1].astype(np.int16)
    return (rg > int(np.median(rg)) + 30).astype(np.uint8)


def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels of red ink (a seal), as 0/1."""
    r = rgb[..., 0].astype(np.int16)
    g = rgb[..., 1].astype(np.int16)
    b = rgb[..., 2].astype(np.int16)
    return ((r - g > 60) & (r - b > 45) & (r > 90)).astype(np.uint8)


def binarise(grey: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: adaptive, so uneven lighting and yellowed paper do not matter."""
    block = max(15, (min(grey.shape[:2]) // 60) | 1)
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)


def _small(binary: np.ndarray, long_side: int = 1400) -> np.ndarray:
    s = min(1.0, long_side / max(binary.shape[:2]))
    if s >= 1.0:
        return binary
    return cv2.resize(binary, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)


def _profile_score(binary: np.ndarray, angle: float) -> float:
    """How sharply rows of ink separate at this rotation: text lines and rules give peaks."""
    h, w = binary.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(binary: np.ndarray) -> float:
    """The page's skew in degrees (counter-clockwise positive), within ±MAX_SKEW."""
    small = _small(binary)
    if int(small.sum()) == 0:
        return 0.0
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25)
    best = max(coarse, key=lambda a: _profile_score(small, a))
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    best = max(fine, key=lambda a: _profile_score(small, a))
    return float(round(best, 2))


def rotate(img: np.ndarray, angle: float, fill: int | tuple[int, int, int] = 255) -> np.ndarray:
    """Rotate about the centre keeping the size (skew is small: nothing of the page is lost)."""
    if abs(angle) < 0.01:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = fill if img.ndim == 2 or isinstance(fill, tuple) else (fill, fill, fill)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def turn(img: np.ndarray, degrees: int) -> np.ndarray:
    """Quarter turns, counter-clockwise, without resampling."""
    k = (degrees // 90) % 4
    return np.ascontiguousarray(np.rot90(img, k)) if k else img


def sideways(binary: np.ndarray) -> bool:
    """Text lines run vertically: the column profile is much sharper than the row profile.

    Long ruling lines are taken out first: a table has both directions and would decide nothing.
    """
    small = _small(binary, 1000)
    h, w = small.shape[:2]
    lines = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 12, 10), 1)))
    lines |= cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 12, 10))))
    text = cv2.subtract(small, lines)
    if int(text.sum()) == 0:
        return False
    rows = max(_profile_score(text, a) for a in (-2.0, 0.0, 2.0))
    cols = max(_profile_score(np.ascontiguousarray(text.T), a) for a in (-2.0, 0.0, 2.0))
    return cols > 1.6 * rows
