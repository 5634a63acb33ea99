"""tflite_core: TensorFlow 1.x graph mode on a small C++ kernel core.

>>> import tflite_core as tf
>>> x = tf.placeholder("float", [1, 3])
>>> with tf.Session() as sess:
...     print(sess.run(x * 2.0, feed_dict={x: [[1.0, 2.0, 3.0]]}))
[[2. 4. 6.]]
"""

import os as _os

# libgomp reads these when it loads (with _core, below): spin only briefly at barriers, so a
# busy second core does not stall every parallel region.
_os.environ.setdefault("GOMP_SPINCOUNT", "100000")

from . import (  # noqa: E402,F401
    _core,  # noqa: E402
    contrib,
    dtypes,  # noqa: E402
    errors,
    initializers,
    nn,
    summary,
    train,
)
from .array_ops import (  # noqa: E402,F401
    broadcast_to,
    cast,
    concat,
    constant,
    expand_dims,
    fill,
    group,
    identity,
    no_op,
    ones,
    ones_like,
    placeholder,
    placeholder_with_default,
    rank,
    reshape,
    shape,
    size,
    slice,
    split,
    squeeze,
    stop_gradient,
    to_double,
    to_float,
    to_int32,
    to_int64,
    transpose,
    zeros,
    zeros_like,
)
from .array_ops import tuple_ as tuple  # noqa: E402,F401,A001
from .clip_ops import (  # noqa: E402,F401
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    global_norm,
)
from .dtypes import (  # noqa: E402,F401
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
from .gradients import gradients  # noqa: E402,F401
from .graph import (  # noqa: E402,F401
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    control_dependencies,
    convert_to_tensor,
    device,
    get_collection,
    get_collection_ref,
    get_default_graph,
    name_scope,
    reset_default_graph,
)
from .indexing_ops import (  # noqa: E402,F401
    gather,
    one_hot,
    range,
    unsorted_segment_sum,
    where,
    where_v2,
)
from .init_ops import (  # noqa: E402,F401
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
from .manip_ops import (  # noqa: E402,F401
    pack,
    pad,
    stack,
    strided_slice,
    tile,
    unpack,
    unstack,
)
from .math_ops import (  # noqa: E402,F401
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
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    matmul,
    maximum,
    minimum,
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
)
from .random_ops import (  # noqa: E402,F401
    get_seed,
    random_normal,
    random_uniform,
    set_random_seed,
    truncated_normal,
)
from .registry import NoGradient, NotDifferentiable, RegisterGradient  # noqa: E402,F401
from .session import (  # noqa: E402,F401
    ConfigProto,
    InteractiveSession,
    Session,
    get_default_session,
)
from .summary_ops import (  # noqa: E402,F401
    histogram_summary,
    merge_all_summaries,
    merge_summary,
    scalar_summary,
)
from .tensor_shape import Dimension, TensorShape  # noqa: E402,F401
from .variable_scope import (  # noqa: E402,F401
    AUTO_REUSE,
    VariableScope,
    get_local_variable,
    get_variable,
    get_variable_scope,
    no_regularizer,
    variable_op_scope,
    variable_scope,
)
from .variables import (  # noqa: E402,F401
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


def set_num_threads(n: int) -> None:
    """Sets the thread count of every kernel pool (OpenMP and oneDNN)."""
    _core.set_num_threads(int(n))


def get_num_threads() -> int:
    """The thread count set by ``set_num_threads`` (kernels use fewer while other processes
    keep cores busy; ``_core.effective_threads()`` tells how many now)."""
    return _core.get_num_threads()


def set_conv_backend(name: str) -> None:
    """Selects the convolution and pooling kernels: ``"onednn"`` (the default where the build has
    oneDNN) or ``"reference"`` (im2col + sgemm and direct loops, the fallback backend)."""
    _core.set_conv_backend(str(name))


def get_conv_backend() -> str:
    """The convolution and pooling backend in use (``"onednn"`` or ``"reference"``)."""
    return _core.conv_backend()


def _after_fork_in_child() -> None:
    # libgomp is not fork-safe once its pool exists: the child runs single-threaded.
    _core.after_fork_in_child()


if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_after_fork_in_child)


def __getattr__(name: str):  # tf.Summary, tf.Event, tf.GraphDef, ... (protobuf classes, lazily)
    from ._protos import PROTO_NAMES, protos

    if name in PROTO_NAMES:
        return getattr(protos(), name)
    if name == "applications":  # pre-trained networks: loaded on first use
        import importlib

        return importlib.import_module(".applications", __name__)
    raise AttributeError(f"module 'tflite_core' has no attribute {name!r}")


from .indexed_slices import IndexedSlices  # noqa: E402,F401
