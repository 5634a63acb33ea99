"""``tf.random``: the random tensors and the seeds (as TF 1.x's ``tf.random`` names)."""

from __future__ import annotations

from .nn.candidate_sampling_ops import log_uniform_candidate_sampler
from .ops.random_ops import get_seed, set_random_seed, truncated_normal
from .ops.random_ops import random_normal as normal
from .ops.random_ops import random_uniform as uniform
