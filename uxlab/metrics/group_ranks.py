"""Exact order statistics of many groups at once, without sorting every value.

Used by summary_arrays for per-task medians and their binomial-rank intervals (times.py):
those need only the ranks in a narrow band around each group's median (about
z * sqrt(n) / 2 ranks either side), so sorting all n values per group is wasted work.

Method (a bucket select, as in radix/bucket selection, Knuth TAOCP vol. 3, 5.3.3):
1. The IEEE-754 bit pattern of a positive double, read as an int64, increases with the
   value, so ``(bits - min_bits) >> shift`` puts the values into B ordered buckets.
2. One histogram over (group, bucket) and its running total give, for every wanted rank,
   the bucket holding it and how many values of the group lie below that bucket.
3. Only the values in each group's band of buckets are kept (typically a tenth), sorted
   per group, and read at rank - (values below the band). The result is exact: the
   buckets only choose which values to sort, never change a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BUCKETS_PER_VALUE = 0.125
"""Buckets per value of an average group (tuned with bench/bench_metrics.py): fewer mean a
smaller histogram, more mean fewer values kept around each median."""


def _sorted_rows(group: np.ndarray, values: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (flat, base): group g's values ascending are flat[base[g]:][:counts[g]]."""
    size = counts.size
    starts = np.cumsum(counts) - counts
    width = int(counts.max(initial=0))
    if values.size == 0:
        return np.zeros(1), np.zeros(size, dtype=np.int64)
    if size * width <= 4 * values.size + 4096:
        # Pad each group into one row of a matrix (inf past its count) and sort the rows:
        # many short sorts beat one long argsort.
        small = np.int16 if size <= np.iinfo(np.int16).max else np.int32
        by_group = np.argsort(group.astype(small), kind="stable")  # radix sort
        flat = np.arange(values.size) + np.repeat(np.arange(size) * width - starts, counts)
        matrix = np.full(size * width, np.inf)
        matrix[flat] = values.take(by_group)
        rows = matrix.reshape(size, width)
        rows.sort(axis=1)
        return rows.ravel(), np.arange(size, dtype=np.int64) * width
    # Very unequal group sizes: sort by group, then value.
    order = np.lexsort((values, group))
    return values.take(order), starts


@dataclass(frozen=True)
class Buckets:
    """Ordered buckets over positive doubles: bin = group << bits | (value bits - low) >> shift."""

    low: int
    shift: int
    bits: int
    size: int

    @classmethod
    def covering(
        cls, low_s: float, high_s: float, n_values: int, groups_with_values: int, size: int
    ) -> Buckets:
        """Buckets over [low_s, high_s] (positive), about BUCKETS_PER_VALUE per value of a group."""
        low, high = (int(np.float64(x).view(np.int64)) for x in (low_s, high_s))
        per_group = int(np.clip(BUCKETS_PER_VALUE * n_values / max(groups_with_values, 1), 1, 4096))
        bits = (per_group - 1).bit_length()  # 0 bits: one bucket per group
        return cls(low, max((high - low).bit_length() - bits, 0), bits, size)

    @property
    def n_bins(self) -> int:
        return self.size << self.bits

    def keys(
        self, group: np.ndarray, values: np.ndarray, out: np.ndarray | None = None, reuse_group: bool = False
    ) -> np.ndarray:
        """Return each value's bin (int64, into ``out`` if given); bins increase with (group, value).
        ``reuse_group``: ``group`` (int64) may be overwritten, saving a temporary array."""
        key = np.subtract(np.ascontiguousarray(values, dtype=np.float64).view(np.int64), self.low, out=out)
        key >>= self.shift
        if reuse_group and group.dtype == np.int64:
            group <<= self.bits
            key |= group
        else:
            key |= group.astype(np.int64, copy=False) << self.bits
        return key


@dataclass(frozen=True)
class Bands:
    """Per group, the bins holding the wanted ranks (in_band, per bin) and the count below them."""

    in_band: np.ndarray
    before: np.ndarray
    kept_counts: np.ndarray


def bands(buckets: Buckets, histogram: np.ndarray, counts: np.ndarray, ranks: Sequence[np.ndarray]) -> Bands:
    """Find each group's band of bins from the (group, bucket) ``histogram`` (length n_bins)."""
    size = counts.size
    has = counts > 0
    starts = np.cumsum(counts) - counts
    first = np.where(has, starts + np.minimum.reduce([np.asarray(r) for r in ranks]), 0)
    final = np.where(has, starts + np.maximum.reduce([np.asarray(r) for r in ranks]), 0)
    below = np.cumsum(histogram)  # values in bins <= k
    group_bins = np.arange(size + 1, dtype=np.int64) << buckets.bits
    # groups without values: an empty band at the start of their bins
    band_lo = np.where(has, np.searchsorted(below, first, side="right"), group_bins[:-1])
    band_hi = np.where(has, np.searchsorted(below, final, side="right"), band_lo - 1)
    before = np.where(band_lo > 0, below[band_lo - 1], 0)  # values in earlier bins
    # (out, in, out) runs of bins per group, in bin order
    runs = np.stack([band_lo - group_bins[:-1], band_hi + 1 - band_lo, group_bins[1:] - band_hi - 1], axis=1)
    in_band = np.repeat(np.tile(np.array([False, True, False]), size), runs.ravel())
    return Bands(in_band, before, np.where(has, below[band_hi] - before, 0))


def read(
    band: Bands,
    kept_group: np.ndarray,
    kept_values: np.ndarray,
    counts: np.ndarray,
    ranks: Sequence[np.ndarray],
) -> list[np.ndarray]:
    """Values at ``ranks`` from the values kept in the bands (those whose bin is in_band)."""
    has = counts > 0
    starts = np.cumsum(counts) - counts
    flat, base = _sorted_rows(kept_group, kept_values, band.kept_counts)
    out = []
    for r in ranks:
        where = np.where(has, base + starts + r - band.before, 0)
        out.append(np.where(has, flat.take(where), np.nan))
    return out


def order_statistics(
    group: np.ndarray, values: np.ndarray, counts: np.ndarray, ranks: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """Return, for each array in ``ranks``, the value of 0-based rank ranks[i][g] in group g.

    ``group``: group index per value (0..counts.size-1, intp); ``values``: positive finite
    float64 (checked by the caller); ``counts``: values per group (np.bincount(group)).
    Every rank must lie in 0..counts[g]-1; groups with no value give NaN. (summary_arrays
    runs the same steps over slices of its input.)
    """
    if values.size == 0:
        return [np.full(counts.size, np.nan) for _ in ranks]
    buckets = Buckets.covering(
        values.min(), values.max(), values.size, int(np.count_nonzero(counts)), counts.size
    )
    key = buckets.keys(group, values)
    band = bands(buckets, np.bincount(key, minlength=buckets.n_bins), counts, ranks)
    keep = np.flatnonzero(band.in_band.take(key))
    return read(band, group.take(keep), values.take(keep), counts, ranks)
