"""``tf.manip``: TF 1.x's namespace of array manipulations (the same functions as the top-level
names)."""

from __future__ import annotations

from .ops.array_ops import reshape
from .ops.permute_ops import batch_to_space_nd, reverse, roll, space_to_batch_nd
from .ops.scatter_ops import gather_nd, scatter_nd
from .ops.slicing_ops import tile
