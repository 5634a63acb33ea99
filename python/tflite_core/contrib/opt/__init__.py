"""``tf.contrib.opt``: the decoupled-weight-decay optimisers ``AdamWOptimizer`` and
``MomentumWOptimizer`` (re-exports)."""

from .weight_decay_optimizers import (
    AdamWOptimizer,
    DecoupledWeightDecayExtension,
    MomentumWOptimizer,
)
