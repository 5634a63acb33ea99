"""``tf.import_graph_def``'s reading of one ``NodeDef``: the inverse of ``graph_def_forms``.

A node names a TF op type, its inputs and its attributes (defaults already filled in from
``op_signatures``). Most become one op of the same type with the same attributes. The rest are
read here: op types this library keeps under another name (``AddV2``: our ``Add``), inputs TF
takes where this library also accepts attributes (a reduction's axes, a transpose's permutation:
kept as inputs, the form our ops take for values known only when run, with ``axis_from``,
``perm=None``, ...), TF's resource variables (``VarHandleOp``, ``ReadVariableOp``,
``AssignVariableOp``, ``ResourceApply*``: our ``VariableV2``, ``Identity``, ``Assign``,
``Apply*``), and TF op types this library builds from others (``BiasAdd``, ``Pack``,
``Unpack``, ``Relu6``, ...): their helper ops are named under the node's name and the last
one carries the node's name, so names, fetches and control inputs work as in TF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import dtypes as _dt
from .errors import NotFoundError
from .graph_def_forms import WRITTEN_AS
from .import_lstm import LSTM_READERS
from .import_read import joined_split
from .import_shape_ops import SHAPE_READERS
from .import_tensor_arrays import TENSOR_ARRAY_READERS
from .registry import registered_ops

# TF's functional control flow (import_functions.py reads it)
FUNCTIONAL = ("If", "StatelessIf", "While", "StatelessWhile")
# TF's name -> ours, where they differ
READ_AS = {v: k for k, v in WRITTEN_AS.items()}
_REDUCTIONS = frozenset({"Sum", "Mean", "Max", "Min", "Prod"})
# attributes of TF's nodes that name colocation, shapes or debugging only
_DROPPED = frozenset({"_class", "_output_shapes", "debug_name", "allowed_devices"})
# TF's Selu constants (Klambauer et al., 2017)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_RESOURCE_ASSIGN = {
    "AssignVariableOp": "Assign",
    "AssignAddVariableOp": "AssignAdd",
    "AssignSubVariableOp": "AssignSub",
}


@dataclass
class Node:
    """One ``NodeDef`` being imported: its name (relative to the import scope), TF op type,
    input tensors (ours), attributes (defaults filled in), the dtypes TF gives its outputs,
    and where it goes (the graph, the function library)."""

    name: str
    type: str
    inputs: list
    attrs: dict
    out_dtypes: list
    graph: Any = None  # the graph the node is imported into
    library: dict | None = None  # the GraphDef's functions by name (If, While bodies)
    scope: str = ""  # the import scope ("import/"), for readers that build with name scopes


Make = Callable[..., Any]
"""``make(op_type, inputs, dtypes, attrs, name)`` creates one op in the import scope (``name``
relative to it) and returns it."""


def _const(make: Make, name: str, value: Any, dtype: _dt.DType):
    arr = np.asarray(value, dtype.np)
    return make("Const", [], [dtype], {"value": arr, "dtype": dtype}, name).outputs[0]


def _own(node: Node, make: Make, op_type: str | None = None, attrs: dict | None = None):
    """The node as one op of ``op_type`` (default: its own, under our name for it)."""
    t = op_type or READ_AS.get(node.type, node.type)
    a = node.attrs if attrs is None else attrs
    return make(t, node.inputs, node.out_dtypes, a, node.name)


def _reduction(node: Node, make: Make):
    return _own(node, make, attrs={**node.attrs, "axis": None, "axis_from": 1})


def _arg_reduce(node: Node, make: Make):
    attrs = {**node.attrs, "axis": None, "axis_from": 1}
    out = node.out_dtypes[0]
    if out == _dt.int64:
        return make(node.type, node.inputs, [_dt.int64], attrs, node.name)
    arg = make(node.type, node.inputs, [_dt.int64], attrs, f"{node.name}/int64").outputs[0]
    return make("Cast", [arg], [out], {"SrcT": _dt.int64, "DstT": out}, node.name)


def _with_none(attr: str):
    def read(node: Node, make: Make):
        return _own(node, make, attrs={**node.attrs, attr: None})

    return read


def _split(node: Node, make: Make):
    dim, x = node.inputs
    k = int(node.attrs["num_split"])
    attrs = {**node.attrs, "axis": None, "num_split": k, "size_splits": [0] * k}
    return make("Split", [x, dim], node.out_dtypes, attrs, node.name)


def _split_v(node: Node, make: Make):
    x, sizes, dim = node.inputs
    known = _value(sizes)
    if known is None:
        raise ValueError(
            f"Node '{node.name}': SplitV's size_splits must be a constant for tflite_core"
        )
    attrs = {**node.attrs, "axis": None, "num_split": None, "size_splits": known.tolist()}
    return make("Split", [x, dim], node.out_dtypes, attrs, node.name)


def _value(t) -> np.ndarray | None:
    op = t.op
    if op.type == "Const":
        return np.asarray(op._attrs["value"])
    return None


def _concat(node: Node, make: Make):
    """``ConcatV2``; of all the parts of one ``Split`` along its axis, in order: that split's
    input (as ``lstm_forms`` writes the fused LSTM's gates)."""
    *values, axis = node.inputs
    joined = joined_split(values) if values else None
    a = _value(axis)
    if joined is not None and joined[1] is not None and a is not None:
        x, split_axis = joined
        r = x.shape.ndims
        if r is not None and int(a) % r == split_axis and x.dtype == node.out_dtypes[0]:
            return make("Identity", [x], node.out_dtypes, {}, node.name)
    return _own(node, make, attrs={**node.attrs, "axis": None})


def _strided_slice(node: Node, make: Make):
    return _own(node, make, attrs={**node.attrs, "spec": None})


def _strided_slice_grad(node: Node, make: Make):
    """TF's ``StridedSliceGrad(shape, begin, end, strides, dy)``: ours reads the shape from a
    tensor of it (the ``Shape`` op's input, as TF's gradient and ``graph_def_forms`` write it;
    else zeros of that shape)."""
    shape, begin, end, strides, dy = node.inputs
    like = shape.op.inputs[0] if shape.op.type == "Shape" else None
    if like is None:
        zero = _const(make, f"{node.name}/zero", 0, dy.dtype)
        like = make("Fill", [shape, zero], [dy.dtype], {}, f"{node.name}/like").outputs[0]
    attrs = {**node.attrs, "spec": None}
    return make(
        "StridedSliceGrad", [dy, like, begin, end, strides], node.out_dtypes, attrs, node.name
    )


def _is_initialized(node: Node, make: Make):
    var = node.inputs[0].op
    attrs = {"dtype": node.inputs[0].dtype, "variable": var.name}
    return make("IsVariableInitialized", [], [_dt.bool], attrs, node.name)


def _var_handle(node: Node, make: Make):
    a = node.attrs
    attrs = {
        "shape": a["shape"],
        "dtype": a["dtype"],
        "container": a.get("container", ""),
        "shared_name": a.get("shared_name", ""),
    }
    return make("VariableV2", [], [a["dtype"]], attrs, node.name)


def _read_variable(node: Node, make: Make):
    return make("Identity", node.inputs[:1], [node.inputs[0].dtype], {}, node.name)


def _resource_assign(node: Node, make: Make):
    ref, value = node.inputs
    attrs = {"validate_shape": bool(node.attrs.get("validate_shape", False)), "T": ref.dtype}
    return make(_RESOURCE_ASSIGN[node.type], [ref, value], [ref.dtype], attrs, node.name)


def _resource_apply(node: Node, make: Make):
    t = node.type[len("Resource") :]
    var = node.inputs[0]
    return make(t, node.inputs, [var.dtype], dict(node.attrs), node.name)


def _bias_add(node: Node, make: Make):
    v, b = node.inputs
    if node.attrs.get("data_format", "NHWC") != "NCHW":
        return make("Add", [v, b], node.out_dtypes, {}, node.name)
    r = v.shape.ndims
    if r is None:
        raise ValueError(f"Node '{node.name}': BiasAdd NCHW needs a value of known rank")
    shape = _const(make, f"{node.name}/shape", [-1] + [1] * (r - 2), _dt.int32)
    b2 = make("Reshape", [b, shape], [b.dtype], {}, f"{node.name}/Reshape").outputs[0]
    return make("Add", [v, b2], node.out_dtypes, {}, node.name)


def _bias_add_grad(node: Node, make: Make):
    """The sum of the gradient over every dimension but the channel one."""
    g = node.inputs[0]
    r = g.shape.ndims
    if r is None:
        raise ValueError(f"Node '{node.name}': BiasAddGrad needs a gradient of known rank")
    channel = 1 if node.attrs.get("data_format", "NHWC") == "NCHW" else r - 1
    axes = [i for i in range(r) if i != channel]
    return make("Sum", [g], node.out_dtypes, {"axis": axes, "keep_dims": False}, node.name)


_MASK32 = 0xFFFFFFFF


def _philox_block(key: tuple, counter: list) -> list:
    """One block of TF's Philox-4x32-10: four 32-bit words from a 128-bit counter and a
    64-bit key."""
    k0, k1 = key
    c = list(counter)
    for _ in range(10):
        p0, p1 = 0xD2511F53 * c[0], 0xCD9E8D57 * c[2]
        c = [(p1 >> 32) ^ c[1] ^ k0, p1 & _MASK32, (p0 >> 32) ^ c[3] ^ k1, p0 & _MASK32]
        k0, k1 = (k0 + 0x9E3779B9) & _MASK32, (k1 + 0xBB67AE85) & _MASK32
    return c


def _key_counter(node: Node, make: Make):
    """``StatelessRandomGetKeyCounter`` of a constant seed: TF's scrambling of the seed pair
    (one Philox block under a fixed key) gives the key (words 0, 1) and the counter's high half
    (words 2, 3), as constants; int64 here, where TF's are uint64 (our V2 random ops' own
    signature)."""
    seed = _value(node.inputs[0])
    if seed is None:
        raise ValueError(
            f"Node '{node.name}': StatelessRandomGetKeyCounter needs a constant seed in tflite_core"
        )
    s0, s1 = (int(v) & 0xFFFFFFFFFFFFFFFF for v in np.asarray(seed).reshape(-1)[:2])
    m = _philox_block((0x3EC8F720, 0x02461E29), [s0 & _MASK32, s0 >> 32, s1 & _MASK32, s1 >> 32])
    key = np.asarray([m[0] | m[1] << 32], np.uint64).view(np.int64)
    counter = np.asarray([0, m[2] | m[3] << 32], np.uint64).view(np.int64)
    k = _const(make, f"{node.name}/key", key, _dt.int64)
    c = _const(make, f"{node.name}/counter", counter, _dt.int64)
    return make("IdentityN", [k, c], [_dt.int64] * 2, {"T": [_dt.int64] * 2}, node.name)


def _pack(node: Node, make: Make):
    axis = int(node.attrs.get("axis", 0))
    parts = []
    for i, t in enumerate(node.inputs):
        a = _const(make, f"{node.name}/axis_{i}", axis, _dt.int32)
        parts.append(
            make(
                "ExpandDims", [t, a], [t.dtype], {"Tdim": _dt.int32}, f"{node.name}/ExpandDims_{i}"
            ).outputs[0]
        )
    if len(parts) == 1:
        return make("Identity", parts, node.out_dtypes, {}, node.name)
    return make("ConcatV2", parts, node.out_dtypes, {"axis": axis}, node.name)


def _unpack(node: Node, make: Make):
    x = node.inputs[0]
    n, axis = int(node.attrs["num"]), int(node.attrs.get("axis", 0))
    r = x.shape.ndims
    if r is not None:
        axis %= r
    split_attrs = {"axis": axis, "num_split": n, "size_splits": [0] * n}
    parts = make("Split", [x], [x.dtype] * n, split_attrs, f"{node.name}/split").outputs
    outs = [
        make("Squeeze", [p], [x.dtype], {"squeeze_dims": [axis]}, f"{node.name}/Squeeze_{i}")
        for i, p in enumerate(parts)
    ]
    ts = [o.outputs[0] for o in outs]
    return make("IdentityN", ts, [x.dtype] * n, {"T": [x.dtype] * n}, node.name)


def _shape_n(node: Node, make: Make):
    """TF's ``ShapeN`` (in conv gradients): one ``Shape`` per input, named under the node."""
    dt = node.out_dtypes[0]
    ts = [
        make("Shape", [x], [dt], {"out_type": dt}, f"{node.name}/Shape_{i}").outputs[0]
        for i, x in enumerate(node.inputs)
    ]
    return make("IdentityN", ts, [dt] * len(ts), {"T": [dt] * len(ts)}, node.name)


def _relu6(node: Node, make: Make):
    x = node.inputs[0]
    six = _const(make, f"{node.name}/six", 6, x.dtype)
    r = make("Relu", [x], [x.dtype], {}, f"{node.name}/Relu").outputs[0]
    return make("Minimum", [six, r], node.out_dtypes, {}, node.name)


class _Ops:
    """Helper ops of one composite, named ``<node>/<Type>_<k>``, all of ``x``'s dtype."""

    def __init__(self, node: Node, make: Make):
        self.node, self.make, self.k = node, make, 0
        self.dtype = node.out_dtypes[0]

    def _name(self, t: str) -> str:
        self.k += 1
        return f"{self.node.name}/{t}_{self.k}"

    def c(self, value: float):
        return _const(self.make, self._name("Const"), value, self.dtype)

    def __call__(self, t: str, *ins, out=None, last: bool = False):
        dtype = out or self.dtype
        name = self.node.name if last else self._name(t)
        op = self.make(t, list(ins), [dtype], {}, name)
        return op if last else op.outputs[0]


def _elu(node: Node, make: Make):
    """As ``tf.nn.elu`` builds it: ``select(x > 0, x, exp(min(x, 0)) - 1)``."""
    b, x = _Ops(node, make), node.inputs[0]
    zero = b.c(0)
    neg = b("Sub", b("Exp", b("Minimum", x, zero)), b.c(1))
    return b("Select", b("Greater", x, zero, out=_dt.bool), x, neg, last=True)


def _selu(node: Node, make: Make):
    b, x = _Ops(node, make), node.inputs[0]
    zero = b.c(0)
    em1 = b("Sub", b("Exp", b("Minimum", x, zero)), b.c(1))
    neg = b("Mul", b.c(_SELU_SCALE * _SELU_ALPHA), em1)
    pos = b("Mul", b.c(_SELU_SCALE), x)
    return b("Select", b("Less", x, zero, out=_dt.bool), neg, pos, last=True)


def _leaky_relu(node: Node, make: Make):
    b, x = _Ops(node, make), node.inputs[0]
    scaled = b("Mul", x, b.c(float(node.attrs.get("alpha", 0.2))))
    return b("Select", b("Greater", x, b.c(0), out=_dt.bool), x, scaled, last=True)


def _softplus(node: Node, make: Make):
    """As ``tf.nn.softplus`` builds it: ``max(x, 0) + log1p(exp(-|x|))``, accurately."""
    b, x = _Ops(node, make), node.inputs[0]
    half = b.c(0.5)
    pos = b("Add", b("Mul", half, b("Relu", x)), b("Mul", half, b("Maximum", x, b.c(0))))
    z = b("Exp", b("Neg", b("Abs", x)))
    one = b.c(1)
    u = b("Add", one, z)
    log1p = b("Sub", b("Log", u), b("RealDiv", b("Sub", b("Sub", u, one), z), u))
    return b("Add", pos, log1p, last=True)


def _fill_like(value: float):
    def read(node: Node, make: Make):
        b, x = _Ops(node, make), node.inputs[0]
        shape = make("Shape", [x], [_dt.int32], {"out_type": _dt.int32}, b._name("Shape"))
        return make("Fill", [shape.outputs[0], b.c(value)], node.out_dtypes, {}, node.name)

    return read


def _identity(node: Node, make: Make):
    return make("Identity", node.inputs[:1], node.out_dtypes[:1], {}, node.name)


def _select(node: Node, make: Make):
    """TF's ``Select``: a vector condition picks rows of higher-rank ``x``/``y`` (reshaped to
    ``[-1, 1, ...]`` for ``SelectV2``'s broadcasting, as ``tf.where`` does here)."""
    c, x, y = node.inputs
    r = x.shape.ndims if x.shape.ndims is not None else y.shape.ndims
    if c.shape.ndims != 1 or r is None or r <= 1:
        return _own(node, make)
    dims = _const(make, f"{node.name}/cond_shape", [-1] + [1] * (r - 1), _dt.int32)
    col = make("Reshape", [c, dims], [_dt.bool], {}, f"{node.name}/cond_column").outputs[0]
    return make("SelectV2", [col, x, y], node.out_dtypes, dict(node.attrs), node.name)


def _all_any(node: Node, make: Make):
    """``All``/``Any`` over the axes input: a count of false (All) or true (Any) elements,
    compared with 0 (as ``tf.reduce_all``/``reduce_any`` build them here)."""
    x, axes = node.inputs
    n = node.name
    if node.type == "All":
        x = make("LogicalNot", [x], [_dt.bool], {}, f"{n}/LogicalNot").outputs[0]
    cast = make("Cast", [x], [_dt.int64], {"SrcT": _dt.bool, "DstT": _dt.int64}, f"{n}/Cast")
    attrs = {"keep_dims": bool(node.attrs.get("keep_dims")), "axis": None, "axis_from": 1}
    count = make("Sum", [cast.outputs[0], axes], [_dt.int64], attrs, f"{n}/Sum").outputs[0]
    zero = _const(make, f"{n}/zero", 0, _dt.int64)
    return make("Equal" if node.type == "All" else "Greater", [count, zero], [_dt.bool], {}, n)


def _fused_batch_norm(node: Node, make: Make):
    """``FusedBatchNorm`` / ``V2``: our ``FusedBatchNormV3`` (one more output, unused)."""
    attrs = {k: v for k, v in node.attrs.items()}
    attrs.setdefault("U", node.inputs[1].dtype)
    attrs.setdefault("exponential_avg_factor", 1.0)
    dtypes = [*node.out_dtypes, node.inputs[1].dtype]
    return make("FusedBatchNormV3", node.inputs, dtypes, attrs, node.name)


READERS: dict[str, Callable[[Node, Make], Any]] = {
    **dict.fromkeys(("ArgMax", "ArgMin"), _arg_reduce),
    "Transpose": _with_none("perm"),
    "Tile": _with_none("multiples"),
    "ConcatV2": _concat,
    "Split": _split,
    "SplitV": _split_v,
    "StridedSlice": _strided_slice,
    "StridedSliceGrad": _strided_slice_grad,
    "IsVariableInitialized": _is_initialized,
    "VarIsInitializedOp": _is_initialized,
    "VarHandleOp": _var_handle,
    "VariableV2": _var_handle,
    "ReadVariableOp": _read_variable,
    **dict.fromkeys(_RESOURCE_ASSIGN, _resource_assign),
    "BiasAdd": _bias_add,
    "BiasAddV1": _bias_add,
    "BiasAddGrad": _bias_add_grad,
    "StatelessRandomGetKeyCounter": _key_counter,
    "Pack": _pack,
    "Unpack": _unpack,
    "ShapeN": _shape_n,
    "Relu6": _relu6,
    "Elu": _elu,
    "Selu": _selu,
    "LeakyRelu": _leaky_relu,
    "Softplus": _softplus,
    "ZerosLike": _fill_like(0),
    "OnesLike": _fill_like(1),
    "Snapshot": _identity,
    "PreventGradient": _identity,
    "FusedBatchNorm": _fused_batch_norm,
    "FusedBatchNormV2": _fused_batch_norm,
    **dict.fromkeys(_REDUCTIONS, _reduction),
    "Select": _select,
    "All": _all_any,
    "Any": _all_any,
    **TENSOR_ARRAY_READERS,
    **SHAPE_READERS,
    **LSTM_READERS,
}


def register_reader(tf_type: str, read: Callable[[Node, Make], Any]) -> None:
    """Reads nodes of ``tf_type`` with ``read``: for TF op types that a higher layer builds
    from others (``tf.image``'s resizers), registered where that layer defines them."""
    READERS[tf_type] = read


def tf_only() -> frozenset:
    """The TF op types imported by translation into ours (op types we do not register)."""
    ours = registered_ops()
    applies = ("Resource" + t for t in ours if t.startswith(("Apply", "SparseApply")))
    return frozenset({*(t for t in READERS if t not in ours), *applies, *FUNCTIONAL})


def reader(tf_type: str) -> Callable[[Node, Make], Any] | None:
    """How a node of ``tf_type`` is read (None: an op type we lack)."""
    r = READERS.get(tf_type)
    if r is not None:
        return r
    if tf_type.startswith("Resource") and tf_type[len("Resource") :] in registered_ops():
        return _resource_apply
    if READ_AS.get(tf_type, tf_type) in registered_ops():
        return _own
    return None


def tf_attrs(tf_type: str, attrs: dict) -> dict:
    """The attributes of a node that its op keeps (colocation, output shapes: dropped), with
    the private ones our random ops carry: ``unseeded`` where TF's seeds are both 0 (TF's
    "nondeterministic"), and the learned sampler's state size."""
    out = {k: v for k, v in attrs.items() if k not in _DROPPED}
    if "seed" in out and "seed2" in out:
        out["unseeded"] = not out["seed"] and not out["seed2"]
    if tf_type == "LearnedUnigramCandidateSampler":
        out["rng_state_size"] = int(out["range_max"])
    return out


_NOT_REGISTERED = (
    "Op type not registered '{}' in binary running on localhost. Make sure the Op and Kernel "
    "are registered in the binary running in this process. Note that if you are loading a "
    "saved graph which used ops from tf.contrib (e.g. `tf.contrib.resampler`), accessing should "
    "be done before importing the graph, as contrib ops are lazily registered when the module "
    "is first accessed."
)


def not_registered(op_type: str) -> NotFoundError:
    """TF's error for a node of an op type this library lacks."""
    return NotFoundError(None, None, _NOT_REGISTERED.format(op_type))
