"""``tf.linalg``: matrix products and the matrix helpers (as TF's names)."""

from __future__ import annotations

from .nn.clip_ops import global_norm
from .ops.linalg_ops import (
    adjoint,
    band_part,
    cross,
    eye,
    matrix_transpose,
    matvec,
    norm,
    tensordot,
    trace,
)
from .ops.linalg_ops import matrix_diag as diag
from .ops.linalg_ops import matrix_diag_part as diag_part
from .ops.linalg_ops import matrix_set_diag as set_diag
from .ops.linalg_ops import matrix_transpose as transpose
from .ops.math_ops import matmul
