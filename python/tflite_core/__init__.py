"""tflite_core: TensorFlow 1.x graph mode on a small C++ kernel core.

>>> import tflite_core as tf
>>> x = tf.placeholder("float", [1, 3])
>>> with tf.Session() as sess:
...     print(sess.run(x * 2.0, feed_dict={x: [[1.0, 2.0, 3.0]]}))
[[2. 4. 6.]]
"""

import importlib

from . import (  # the namespaces
    contrib,
    initializers,
    linalg,
    math,
    nn,
    random,
    sparse,
    summary,
    train,
)
from .client.session import ConfigProto, InteractiveSession, Session
from .framework import dtypes, errors
from .framework.constant_op import constant, convert_to_tensor
from .framework.dtypes import (
    DType,
    as_dtype,
    bool,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
)
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
from .framework.protos import PROTO_NAMES, protos
from .framework.registry import NoGradient, NotDifferentiable, RegisterGradient

# the tf namespace: re-exports only (the runtime loads the compiled core)
from .framework.runtime import (
    get_conv_backend,
    get_num_threads,
    set_conv_backend,
    set_num_threads,
)
from .framework.sparse_tensor import (
    SparseTensor,
    SparseTensorValue,
    convert_to_tensor_or_sparse_tensor,
)
from .framework.tensor_shape import Dimension, TensorShape
from .framework.v2_switches import (
    disable_control_flow_v2,
    disable_eager_execution,
    disable_resource_variables,
    disable_tensor_equality,
    disable_v2_behavior,
    disable_v2_tensorshape,
    executing_eagerly,
)
from .nn.clip_ops import (
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    global_norm,
)
from .nn.nn_ops import log_sigmoid
from .ops import tensor_methods  # installs the Tensor operators
from .ops.array_ops import (
    broadcast_to,
    cast,
    concat,
    expand_dims,
    fill,
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
from .ops.control_flow_ops import group, no_op
from .ops.control_flow_ops import tuple_ as tuple
from .ops.gradients import gradients
from .ops.indexing_ops import (
    IndexedSlices,
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
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    uniform_unit_scaling_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
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
from .ops.math_extra_ops import (
    accumulate_n,
    acos,
    acosh,
    angle,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    betainc,
    bincount,
    ceil,
    confusion_matrix,
    conj,
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
    imag,
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
    real,
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
from .ops.random_ops import (
    get_seed,
    random_normal,
    random_uniform,
    set_random_seed,
    truncated_normal,
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
from .ops.summary_ops import (
    histogram_summary,
    merge_all_summaries,
    merge_summary,
    scalar_summary,
)
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
    trainable_variables,
    variables_initializer,
)

newaxis = None
__version__ = "0.1.0"


def __getattr__(name: str):  # tf.Summary, tf.Event, tf.GraphDef, ... (protobuf classes, lazily)
    if name in PROTO_NAMES:
        return getattr(protos(), name)
    if name == "applications":  # pre-trained networks: loaded on first use
        return importlib.import_module(".applications", __name__)
    raise AttributeError(f"module 'tflite_core' has no attribute {name!r}")
