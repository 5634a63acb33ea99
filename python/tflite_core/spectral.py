"""``tf.spectral``: TF 1.x's name for the Fourier transforms of ``tf.signal``."""

from .ops.fft_ops import (
    fft,
    fft2d,
    fft3d,
    ifft,
    ifft2d,
    ifft3d,
    irfft,
    irfft2d,
    irfft3d,
    rfft,
    rfft2d,
    rfft3d,
)
