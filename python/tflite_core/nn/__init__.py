"""The ``tf.nn`` namespace (re-exports only); this package's modules hold the nn op families."""

from ..ops.math_extra_ops import l2_normalize, softsign, zero_fraction
from ..ops.math_ops import sigmoid, tanh
from ..ops.permute_ops import depth_to_space, space_to_batch, space_to_depth
from . import rnn_cell
from .accidental_hits_ops import compute_accidental_hits
from .activation_ops import leaky_relu, selu
from .candidate_sampling_ops import (
    all_candidate_sampler,
    fixed_unigram_candidate_sampler,
    learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from .composite_ops import (
    crelu,
    log_poisson_loss,
    relu_layer,
    silu,
    swish,
    weighted_cross_entropy_with_logits,
    xw_plus_b,
)
from .conv3d_ops import (
    conv3d,
    conv3d_backprop_filter,
    conv3d_backprop_filter_v2,
    conv3d_transpose,
)
from .conv_composites import (
    atrous_conv2d,
    atrous_conv2d_transpose,
    conv1d,
    conv1d_transpose,
    conv2d_transpose,
    conv_transpose,
    convolution,
    separable_conv2d,
    with_space_to_batch,
)
from .conv_ops import (
    avg_pool,
    avg_pool2d,
    conv2d,
    conv2d_backprop_filter,
    conv2d_backprop_input,
    depthwise_conv2d,
    depthwise_conv2d_native,
    depthwise_conv2d_native_backprop_filter,
    depthwise_conv2d_native_backprop_input,
    max_pool,
    max_pool2d,
)
from .conv_ops import (
    depthwise_conv2d_native_backprop_filter as depthwise_conv2d_backprop_filter,
)
from .conv_ops import (
    depthwise_conv2d_native_backprop_input as depthwise_conv2d_backprop_input,
)
from .ctc_beam_search import ctc_beam_search_decoder, ctc_beam_search_decoder_v2
from .ctc_ops import (
    collapse_repeated,
    ctc_greedy_decoder,
    ctc_loss,
    ctc_loss_v2,
    ctc_unique_labels,
)
from .embedding_ops import embedding_lookup
from .embedding_sparse_ops import embedding_lookup_sparse, safe_embedding_lookup_sparse
from .fractional_pool_ops import fractional_avg_pool, fractional_max_pool
from .loss_scaling_ops import compute_average_loss, scale_regularization_loss
from .morphology_ops import dilation2d, erosion2d
from .nn_ops import (
    approx_max_k,
    approx_min_k,
    bias_add,
    dropout,
    elu,
    in_top_k,
    l2_loss,
    log_softmax,
    relu,
    relu6,
    softmax,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    softplus,
    sparse_softmax_cross_entropy_with_logits,
    top_k,
)
from .norm_composites import (
    batch_norm_with_global_normalization,
    fused_batch_norm,
    local_response_normalization,
    lrn,
)
from .normalization_ops import (
    batch_normalization,
    moments,
    normalize_moments,
    sufficient_statistics,
    weighted_moments,
)
from .pool_composites import (
    avg_pool1d,
    avg_pool3d,
    avg_pool_v2,
    max_pool1d,
    max_pool3d,
    max_pool_v2,
    max_pool_with_argmax,
    pool,
)
from .rnn import bidirectional_dynamic_rnn, dynamic_rnn, rnn, static_rnn
from .rnn_raw import raw_rnn
from .rnn_static import static_bidirectional_rnn, static_state_saving_rnn
from .sampled_loss_ops import (
    nce_loss,
    sampled_softmax_loss,
    sigmoid_cross_entropy_with_logits,
)
