"""``tf.random``: the random tensors and the seeds (as TF 1.x's ``tf.random`` names)."""

from __future__ import annotations

from .nn.candidate_sampling_ops import (
    all_candidate_sampler,
    fixed_unigram_candidate_sampler,
    learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from .ops.random_ops import categorical, get_seed, multinomial, set_random_seed, truncated_normal
from .ops.random_ops import random_gamma as gamma
from .ops.random_ops import random_normal as normal
from .ops.random_ops import random_poisson as poisson
from .ops.random_ops import random_shuffle as shuffle
from .ops.random_ops import random_uniform as uniform
from .ops.stateful_random_ops import Generator, get_global_generator, set_global_generator
from .ops.stateless_random_ops import (
    Algorithm,
    create_rng_state,
    fold_in,
    split,
    stateless_categorical,
    stateless_multinomial,
    stateless_parameterized_truncated_normal,
    stateless_truncated_normal,
)
from .ops.stateless_random_ops import stateless_random_binomial as stateless_binomial
from .ops.stateless_random_ops import stateless_random_gamma as stateless_gamma
from .ops.stateless_random_ops import stateless_random_normal as stateless_normal
from .ops.stateless_random_ops import stateless_random_poisson as stateless_poisson
from .ops.stateless_random_ops import stateless_random_uniform as stateless_uniform
