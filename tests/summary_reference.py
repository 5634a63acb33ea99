"""The NumPy + protobuf histogram summaries that tflite_core built before they moved to C++
(``cpp/summary.cc``): the tests' oracle for the C++ bytes.

TF's default buckets (``core/lib/histogram/histogram.cc``): edges growing by 10% from 1e-12 to 1e20,
then DBL_MAX, mirrored for negative values, with 0 between; each value counted in the bucket of the
first edge above it (the last bucket for DBL_MAX); runs of empty buckets collapsed into their last
one. TF keeps the first of equal extremes (0.0 and -0.0 compare equal) and adds one value at a time
to 0.0 in double, so its sums are never -0.0.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from tflite_core.framework.protos import protos


def _default_bucket_limits() -> np.ndarray:
    pos, v = [], 1.0e-12
    while v < 1.0e20:  # the same double arithmetic as TensorFlow's loop
        pos.append(v)
        v *= 1.1
    pos.append(sys.float_info.max)
    neg = [-x for x in reversed(pos)]
    return np.array([*neg, 0.0, *pos], dtype=np.float64)


BUCKET_LIMITS = _default_bucket_limits()


def histogram_proto(values: Any) -> Any:
    """A ``HistogramProto`` of ``values`` with TensorFlow's default buckets."""
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    h = protos().HistogramProto()
    counts = np.bincount(
        np.minimum(np.searchsorted(BUCKET_LIMITS, x, side="right"), len(BUCKET_LIMITS) - 1),
        minlength=len(BUCKET_LIMITS),
    ).astype(np.float64)
    h.min = float(x[np.argmin(x)]) if x.size else float(BUCKET_LIMITS[-1])
    h.max = float(x[np.argmax(x)]) if x.size else -float(BUCKET_LIMITS[-1])
    h.num = float(x.size)
    h.sum = 0.0 + float(np.cumsum(x)[-1]) if x.size else 0.0
    h.sum_squares = 0.0 + float(np.cumsum(x * x)[-1]) if x.size else 0.0
    filled = counts > 0
    emit = filled | np.append(filled[1:], True)  # a run of empty buckets -> its last one
    h.bucket_limit.extend(BUCKET_LIMITS[emit].tolist())
    h.bucket.extend(counts[emit].tolist())
    return h


def histogram_summary(tag: str, values: Any) -> bytes:
    """The serialized ``Summary`` of HistogramSummary(tag, values) (finite values)."""
    s = protos().Summary()
    s.value.add(tag=tag, histo=histogram_proto(values))
    return s.SerializeToString()
