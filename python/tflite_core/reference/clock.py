"""``timestamp`` (``cpp/clock.cc``): the wall-clock time in seconds since the Unix epoch."""

from __future__ import annotations

import time

import numpy as np

from .registry import KernelError, _kernel


@_kernel("timestamp")
def _timestamp(inputs, outputs, ints, floats):
    if inputs or len(outputs) != 1 or outputs[0].dtype != np.float64 or outputs[0].size != 1:
        raise KernelError("[Timestamp] expects no inputs and one float64 scalar output")
    outputs[0][...] = time.time()
