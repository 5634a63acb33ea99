"""tflite_core: TensorFlow 1.x graph mode on a small C++ kernel core.

>>> import tflite_core as tf
>>> x = tf.placeholder("float", [1, 3])
>>> with tf.Session() as sess:
...     print(sess.run(x * 2.0, feed_dict={x: [[1.0, 2.0, 3.0]]}))
[[2. 4. 6.]]
"""

import importlib

from . import (  # the namespaces
    app,
    bitwise,
    compat,
    config,
    contrib,
    flags,
    graph_util,
    image,
    initializers,
    layers,
    linalg,
    lite,
    logging,
    losses,
    manip,
    math,
    metrics,
    nest,
    nn,
    python_io,
    quantization,
    queue,
    random,
    resource_loader,
    saved_model,
    signal,
    sparse,
    spectral,
    strings,
    summary,
    test,
    train,
    version,
)
from . import data_namespace as data

# tf.io is the namespace module; the package's own io/ subpackage (file formats) is imported by
# it first, so the import system never rebinds the name io to that subpackage afterwards
from . import io_namespace as io
from .client.config_options import GPUOptions, GraphOptions, OptimizerOptions
from .client.session import ConfigProto, InteractiveSession, Session
from .data.reader_ops import (
    FixedLengthRecordReader,
    IdentityReader,
    LMDBReader,
    ReaderBase,
    TextLineReader,
    TFRecordReader,
    WholeFileReader,
)
from .framework import dtypes, errors
from .framework.constant_op import (
    constant,
    convert_to_tensor,
    register_tensor_conversion_function,
)
from .framework.dtypes import (
    QUANTIZED_DTYPES,
    DType,
    as_dtype,
    bfloat16,
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    qint8,
    qint16,
    qint32,
    quint8,
    quint16,
    resource,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
    variant,
)
from .framework.errors import OpError
from .framework.graph import (
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    control_dependencies,
    device,
    get_collection,
    get_collection_ref,
    get_default_graph,
    get_default_session,
    name_scope,
    reset_default_graph,
)
from .framework.importer import import_graph_def
from .framework.meta_graph_protos import META_PROTO_NAMES, meta_protos
from .framework.protos import PROTO_NAMES, protos
from .framework.registry import NoGradient, NotDifferentiable, RegisterGradient, no_gradient
from .framework.run_protos import RUN_PROTO_NAMES, run_protos

# the tf namespace: re-exports only (the runtime loads the compiled core)
from .framework.runtime import (
    get_conv_backend,
    get_fpmath_mode,
    get_num_threads,
    set_conv_backend,
    set_fpmath_mode,
    set_num_threads,
)
from .framework.scopes import add_to_collections, colocate_with, container, init_scope, op_scope
from .framework.sparse_tensor import (
    SparseTensor,
    SparseTensorValue,
    convert_to_tensor_or_sparse_tensor,
)
from .framework.tensor_protos import make_ndarray, make_tensor_proto
from .framework.tensor_shape import Dimension, TensorShape, dimension_at_index, dimension_value
from .framework.tensor_util import get_static_value
from .framework.tf_logging import get_logger
from .framework.v2_switches import (
    control_flow_v2_enabled,
    disable_control_flow_v2,
    disable_eager_execution,
    disable_resource_variables,
    disable_tensor_equality,
    disable_v2_behavior,
    disable_v2_tensorshape,
    enable_control_flow_v2,
    enable_resource_variables,
    enable_tensor_equality,
    enable_v2_behavior,
    enable_v2_tensorshape,
    executing_eagerly,
    resource_variables_enabled,
)
from .framework.versions import (
    COMPILER_VERSION,
    GIT_VERSION,
    GRAPH_DEF_VERSION,
    GRAPH_DEF_VERSION_MIN_CONSUMER,
    GRAPH_DEF_VERSION_MIN_PRODUCER,
    VERSION,
)
from .io import gfile
from .nn.clip_ops import (
    clip_by_average_norm,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    global_norm,
)
from .nn.conv_ops import conv2d_backprop_filter_v2, conv2d_backprop_input_v2
from .nn.nn_ops import log_sigmoid
from .nn.sort_ops import approx_top_k, argsort, sort
from .ops import control_flow_grad as _control_flow_grad  # the If and While gradients
from .ops import tensor_methods  # installs the Tensor operators
from .ops.accumulator_ops import (
    ConditionalAccumulator,
    ConditionalAccumulatorBase,
    SparseConditionalAccumulator,
)
from .ops.array_ops import (
    broadcast_to,
    cast,
    concat,
    expand_dims,
    fill,
    guarantee_const,
    identity,
    invert_permutation,
    ones,
    ones_like,
    pack,
    placeholder,
    placeholder_with_default,
    rank,
    reshape,
    shape,
    size,
    split,
    squeeze,
    stack,
    stop_gradient,
    to_double,
    to_float,
    to_int32,
    to_int64,
    transpose,
    unpack,
    unstack,
    zeros,
    zeros_like,
)
from .ops.bitwise_ops import bitcast
from .ops.check_ops import (
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_integer,
    assert_less,
    assert_less_equal,
    assert_near,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_proper_iterable,
    assert_rank,
    assert_rank_at_least,
    assert_rank_in,
    assert_same_float_dtype,
    assert_scalar,
    assert_type,
    assert_variables_initialized,
    ensure_shape,
    is_numeric_tensor,
    is_symbolic_tensor,
    is_tensor,
    is_variable_initialized,
    report_uninitialized_variables,
)
from .ops.clock_ops import timestamp
from .ops.complex_ops import angle, complex, conj, imag, real
from .ops.cond import case, cond, switch_case
from .ops.control_flow_ops import group, no_op
from .ops.control_flow_ops import tuple_ as tuple
from .ops.count_up_to_op import count_up_to
from .ops.custom_gradient import custom_gradient, grad_pass_through, identity_n, recompute_grad
from .ops.data_flow_ops import (
    FIFOQueue,
    PaddingFIFOQueue,
    PriorityQueue,
    QueueBase,
    RandomShuffleQueue,
)
from .ops.dtype_ops import saturate_cast, to_bfloat16, to_complex64, to_complex128
from .ops.einsum_ops import einsum
from .ops.fft_ops import (
    fft,
    fft2d,
    fft3d,
    fftnd,
    ifft,
    ifft2d,
    ifft3d,
    ifftnd,
    irfftnd,
    rfftnd,
)
from .ops.file_ops import matching_files, read_file, write_file
from .ops.functional_ops import foldl, foldr, map_fn, scan, vectorized_map
from .ops.gradients import AggregationMethod, UnconnectedGradients, gradients, hessians
from .ops.grid_ops import (
    histogram_fixed_width,
    histogram_fixed_width_bins,
    lin_space,
    linspace,
    meshgrid,
    repeat,
    searchsorted,
    sequence_mask,
    unravel_index,
)
from .ops.indexing_ops import (
    IndexedSlices,
    convert_to_tensor_or_indexed_slices,
    gather,
    one_hot,
    range,
    unsorted_segment_sum,
    where,
    where_v2,
)
from .ops.init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    orthogonal_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    uniform_unit_scaling_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from .ops.json_example_ops import decode_json_example
from .ops.linalg_factor_ops import (
    cholesky,
    matrix_determinant,
    matrix_inverse,
    matrix_solve,
    matrix_square_root,
    matrix_triangular_solve,
    qr,
    self_adjoint_eig,
    self_adjoint_eigvals,
    svd,
)
from .ops.linalg_impl_ops import cholesky_solve, matrix_solve_ls
from .ops.linalg_impl_ops import tensor_diag as diag
from .ops.linalg_impl_ops import tensor_diag_part as diag_part
from .ops.linalg_ops import band_part as matrix_band_part
from .ops.linalg_ops import (
    cross,
    eye,
    matrix_diag,
    matrix_diag_part,
    matrix_set_diag,
    matrix_transpose,
    norm,
    tensordot,
    trace,
)
from .ops.logging_ops import (
    Assert,
    Print,
    add_check_numerics_ops,
    check_numerics,
    verify_tensor_all_finite,
)
from .ops.logging_ops import print_v2 as print
from .ops.lookup_ops import initialize_all_tables, tables_initializer
from .ops.math_extra_ops import (
    accumulate_n,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    betainc,
    bincount,
    ceil,
    confusion_matrix,
    cos,
    cosh,
    count_nonzero,
    cumprod,
    cumsum,
    digamma,
    div_no_nan,
    erf,
    erfc,
    expm1,
    igamma,
    igammac,
    is_finite,
    is_inf,
    is_nan,
    is_non_decreasing,
    is_strictly_increasing,
    lbeta,
    lgamma,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    polygamma,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    rint,
    round,
    rsqrt,
    scalar_mul,
    segment_max,
    segment_mean,
    segment_min,
    segment_prod,
    segment_sum,
    sin,
    sinh,
    squared_difference,
    tan,
    unsorted_segment_max,
    unsorted_segment_mean,
    unsorted_segment_min,
    unsorted_segment_prod,
    unsorted_segment_sqrt_n,
    zeta,
)
from .ops.math_ops import (
    abs,
    add,
    add_n,
    arg_max,
    arg_min,
    argmax,
    argmin,
    div,
    divide,
    equal,
    exp,
    floor,
    floor_div,
    floordiv,
    floormod,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    matmul,
    maximum,
    minimum,
    mod,
    mul,
    multiply,
    neg,
    negative,
    not_equal,
    pow,
    realdiv,
    reciprocal,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    sigmoid,
    sign,
    sqrt,
    square,
    sub,
    subtract,
    tanh,
    truediv,
    truncatediv,
    truncatemod,
)
from .ops.parsing_ops import (
    FixedLenFeature,
    SparseFeature,
    VarLenFeature,
    decode_raw,
    parse_example,
    parse_single_example,
)
from .ops.partition_ops import (
    boolean_mask,
    dynamic_partition,
    dynamic_stitch,
    setdiff1d,
    unique,
    unique_with_counts,
)
from .ops.permute_ops import (
    batch_to_space,
    batch_to_space_nd,
    depth_to_space,
    extract_image_patches,
    extract_volume_patches,
    required_space_to_batch_paddings,
    reverse,
    reverse_sequence,
    reverse_v2,
    roll,
    space_to_batch,
    space_to_batch_nd,
    space_to_depth,
)
from .ops.quantization_ops import (
    fake_quant_with_min_max_args,
    fake_quant_with_min_max_args_gradient,
    fake_quant_with_min_max_vars,
    fake_quant_with_min_max_vars_gradient,
    fake_quant_with_min_max_vars_per_channel,
    fake_quant_with_min_max_vars_per_channel_gradient,
)
from .ops.ragged_tensor import RaggedTensor
from .ops.random_ops import (
    get_seed,
    multinomial,
    random_crop,
    random_gamma,
    random_normal,
    random_poisson,
    random_shuffle,
    random_uniform,
    set_random_seed,
    truncated_normal,
)
from .ops.scatter_ops import (
    batch_gather,
    batch_scatter_update,
    gather_nd,
    scatter_add,
    scatter_div,
    scatter_max,
    scatter_min,
    scatter_mul,
    scatter_nd,
    scatter_nd_add,
    scatter_nd_sub,
    scatter_nd_update,
    scatter_sub,
    scatter_update,
    tensor_scatter_add,
    tensor_scatter_sub,
    tensor_scatter_update,
)
from .ops.scatter_ops import tensor_scatter_add as tensor_scatter_nd_add
from .ops.scatter_ops import tensor_scatter_max as tensor_scatter_nd_max
from .ops.scatter_ops import tensor_scatter_min as tensor_scatter_nd_min
from .ops.scatter_ops import tensor_scatter_sub as tensor_scatter_nd_sub
from .ops.scatter_ops import tensor_scatter_update as tensor_scatter_nd_update
from .ops.script_ops import numpy_function, py_func, py_function
from .ops.sequence_parsing_ops import FixedLenSequenceFeature, parse_single_sequence_example
from .ops.serialization_ops import decode_compressed, decode_csv, parse_tensor, serialize_tensor
from .ops.shape_ops import (
    broadcast_dynamic_shape,
    broadcast_static_shape,
    parallel_stack,
    shape_n,
)
from .ops.slicing_ops import pad, slice, strided_slice, tile
from .ops.sparse_ops import (
    sparse_add,
    sparse_concat,
    sparse_fill_empty_rows,
    sparse_mask,
    sparse_matmul,
    sparse_maximum,
    sparse_merge,
    sparse_minimum,
    sparse_placeholder,
    sparse_reduce_max,
    sparse_reduce_max_sparse,
    sparse_reduce_sum,
    sparse_reduce_sum_sparse,
    sparse_reorder,
    sparse_reset_shape,
    sparse_reshape,
    sparse_retain,
    sparse_segment_mean,
    sparse_segment_sqrt_n,
    sparse_segment_sum,
    sparse_slice,
    sparse_softmax,
    sparse_split,
    sparse_tensor_dense_matmul,
    sparse_tensor_to_dense,
    sparse_to_dense,
    sparse_to_indicator,
    sparse_transpose,
)
from .ops.sparse_serialization_ops import (
    deserialize_many_sparse,
    serialize_many_sparse,
    serialize_sparse,
)
from .ops.stateless_random_ops import random_index_shuffle
from .ops.string_convert_ops import as_string, string_to_number
from .ops.string_hash_ops import (
    string_to_hash_bucket,
    string_to_hash_bucket_fast,
    string_to_hash_bucket_strong,
)
from .ops.string_ops import (
    decode_base64,
    encode_base64,
    string_join,
    string_strip,
    substr,
)
from .ops.string_reduce_ops import reduce_join
from .ops.string_regex_ops import regex_replace
from .ops.string_split_ops import string_split
from .ops.summary_ops import (
    histogram_summary,
    merge_all_summaries,
    merge_summary,
    scalar_summary,
)
from .ops.template import make_template
from .ops.tensor_array_ops import TensorArray
from .ops.variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_local_variable,
    get_variable,
    get_variable_scope,
    no_regularizer,
    variable_op_scope,
    variable_scope,
)
from .ops.variables import (
    Variable,
    VariableAggregation,
    VariableSynchronization,
    all_variables,
    assign,
    assign_add,
    assign_sub,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    initialize_local_variables,
    initialize_variables,
    local_variables,
    local_variables_initializer,
    model_variables,
    moving_average_variables,
    trainable_variables,
    variable_creator_scope,
    variables_initializer,
)
from .ops.while_loop import while_loop

newaxis = None
__version__ = "0.1.0"


def __getattr__(name: str):  # tf.Summary, tf.Event, tf.GraphDef, ... (protobuf classes, lazily)
    if name in PROTO_NAMES:
        return getattr(protos(), name)
    if name in RUN_PROTO_NAMES:  # tf.RunOptions, tf.RunMetadata
        return getattr(run_protos(), name)
    if name in META_PROTO_NAMES:  # tf.MetaGraphDef, tf.CollectionDef, ...
        return getattr(meta_protos(), name)
    if name == "applications":  # pre-trained networks: loaded on first use
        return importlib.import_module(".applications", __name__)
    raise AttributeError(f"module 'tflite_core' has no attribute {name!r}")
