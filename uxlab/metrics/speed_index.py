"""Speed Index from screenshot frames, as Lighthouse 13 computes it with Speedline.

Sources: paulirish/speedline ``core/lib/frame.js`` (per-channel histograms of the frame's
pixels with near-white pixels erased; a synthesized all-white frame at the time origin),
``core/lib/speed-index.js`` (visual progress of a frame between the first and the last
frame, the "fast mode" that interpolates frames between two frames whose progress barely
differs, and SI = first paint + the sum over later frames of elapsed x (1 - progress of the
frame before)); Lighthouse ``core/computed/speedline.js`` (``fastMode: true``, the time
origin is the navigation start) and ``core/computed/metrics/speed-index.js``
(``Math.round`` of Speedline's value).

Pure numpy: the caller decodes the frames. ``frame_histogram`` turns an RGB array into the
histogram Speedline counts; ``speed_index_ms`` takes the frames' times (ms after the
navigation start) and histograms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from uxlab.errors import MetricInputError

# A pixel whose red, green and blue are all at least this is "white" and not counted.
WHITE_FROM = 249
# Fast mode: the progress change allowed between two frames without looking at the frames
# between them, 5 points when they are 0 s apart, 3 at 1 s, towards -1 far apart.
_FAST_MAX, _FAST_MEDIAN, _FAST_MIN = 5.0, 3.0, -1.0
_FAST_COEFFICIENT = math.log((_FAST_MEDIAN - _FAST_MIN) / (_FAST_MAX - _FAST_MIN))


def frame_histogram(rgb: np.ndarray) -> np.ndarray:
    """Return the (3, 256) histogram of an (height, width, 3+) uint8 frame, white pixels erased."""
    pixels = np.asarray(rgb)
    if pixels.ndim != 3 or pixels.shape[2] < 3 or pixels.dtype != np.uint8:
        raise MetricInputError("a frame is an (height, width, 3) array of uint8")
    colours = pixels[:, :, :3].reshape(-1, 3)
    kept = colours[~np.all(colours >= WHITE_FROM, axis=1)]
    return np.stack([np.bincount(kept[:, c], minlength=256) for c in range(3)]).astype(np.int64)


def fast_mode_allowable_change(elapsed_ms: float) -> float:
    """Speedline's calculateFastModeAllowableChange: 6 x e^(ln(4/6) x seconds) - 1 points."""
    return (_FAST_MAX - _FAST_MIN) * math.exp(_FAST_COEFFICIENT * elapsed_ms / 1000) + _FAST_MIN


def frame_progress(current: np.ndarray, initial: np.ndarray, target: np.ndarray) -> int:
    """Speedline's calculateFrameProgress: how much of the way from ``initial`` to ``target``.

    floor(100 x sum(min(|current - initial|, |target - initial|)) / sum(|target - initial|))
    over every channel and value; 100 when the three histograms are all equal.
    """
    target_diff = np.abs(target - initial)
    match = int(np.minimum(np.abs(current - initial), target_diff).sum())
    total = int(target_diff.sum())
    if match == 0 and total == 0:
        return 100
    return math.floor(match / total * 100) if total else 0


def visual_progress(times_ms: np.ndarray, histograms: np.ndarray) -> np.ndarray:
    """Return each frame's visual progress 0..100 with Speedline's fast mode (as Lighthouse runs it)."""
    progress = np.full(len(times_ms), -1, dtype=np.int64)
    initial, target = histograms[0], histograms[-1]

    def get(index: int) -> int:
        if progress[index] < 0:
            progress[index] = frame_progress(histograms[index], initial, target)
        return int(progress[index])

    def between(lower: int, upper: int) -> None:
        low, high = get(lower), get(upper)
        if abs(low - high) < fast_mode_allowable_change(float(times_ms[upper] - times_ms[lower])):
            progress[lower + 1 : upper] = low  # interpolated: the frames between count as the lower
        elif upper - lower > 1:
            middle = (lower + upper) // 2
            between(lower, middle)
            between(middle, upper)

    between(0, len(times_ms) - 1)
    return progress


def speed_index_ms(frame_times_ms: Sequence[float], histograms: Sequence[np.ndarray] | np.ndarray) -> float:
    """Return Lighthouse's observed Speed Index (ms): Speedline's value, rounded like Math.round."""
    return float(math.floor(speedline_speed_index(frame_times_ms, histograms) + 0.5))


def speedline_speed_index(
    frame_times_ms: Sequence[float], histograms: Sequence[np.ndarray] | np.ndarray
) -> float:
    """Return Speedline's Speed Index (ms, unrounded) of a page load, fast mode on.

    ``frame_times_ms`` are the times of the captured frames after the navigation start, in
    order; consecutive identical frames should already be dropped (Speedline compares the
    encoded images). ``histograms`` are their ``frame_histogram``. An all-white frame at 0 ms
    is put first, as Speedline does; the last frame is the visually complete target.
    MetricInputError without frames, with times out of order or before 0, or when nothing is
    ever painted (Lighthouse: SPEEDINDEX_OF_ZERO).
    """
    times = np.asarray(frame_times_ms, dtype=float)
    hists = np.asarray(histograms, dtype=np.int64)
    if times.ndim != 1 or len(times) == 0 or hists.shape != (len(times), 3, 256):
        raise MetricInputError(
            "speed_index_ms needs one (3, 256) histogram per frame time, at least one frame"
        )
    if not np.all(np.isfinite(times)) or times[0] < 0 or np.any(np.diff(times) < 0):
        raise MetricInputError("frame times must be finite, from 0 and in order")
    times = np.concatenate([[0.0], times])
    hists = np.concatenate([np.zeros((1, 3, 256), dtype=np.int64), hists])
    progress = visual_progress(times, hists) / 100
    painted = np.flatnonzero(progress > 0)
    if len(painted) == 0:
        raise MetricInputError("no frame shows any progress: Speed Index of zero")
    first_paint = times[painted[0]]
    later = times > first_paint
    elapsed = np.diff(times, prepend=times[0])
    before = np.concatenate([[progress[0]], progress[:-1]])
    speed_index = first_paint + float(np.sum(elapsed[later] * (1 - before[later])))
    if speed_index == 0:
        raise MetricInputError("Speed Index of zero: the first frame was painted at the navigation start")
    return speed_index
