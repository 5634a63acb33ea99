"""``tf.math.special``: the special functions tflite_core provides so far, the modified Bessel
functions of the first kind (TF's namespace also holds bessel_j0/j1/k0/k0e/k1/k1e/y0/y1, dawsn,
expint, fresnel_cos/sin and spence, not here yet)."""

from __future__ import annotations

from .ops.math_extra_ops import bessel_i0, bessel_i0e, bessel_i1, bessel_i1e
