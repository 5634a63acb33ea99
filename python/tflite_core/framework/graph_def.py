"""``Graph.as_graph_def()``: the graph as TensorFlow's ``GraphDef`` protobuf, so TensorBoard draws
it (name scopes folded into groups) and TensorFlow can read it.

Each op becomes a ``NodeDef`` with its type, name, inputs (``"op"`` for output 0, ``"op:k"`` for
output k, ``"^op"`` for a control input), device and attributes: dtypes, shapes, constant values
(``TensorProto``), flags such as ``transpose_a``, and ``T``, the element type most TensorFlow ops
are parameterised by. Ops whose ``NodeDef`` differs from TF's (``graph_def_forms``), and those of
op types of our own (``own_op_forms``), are written in TF's form: nodes that feed the op's, then
the op's own under its name.
"""

from __future__ import annotations

import numpy as np

from . import dtypes as _dt
from .graph_def_forms import tf_form
from .own_op_forms import own_form
from .protos import protos
from .tensor_shape import TensorShape

# The GraphDef version of the TensorFlow 1.x releases the tutorial was written for.
GRAPH_DEF_VERSION = 27
# attributes that steer this library's execution but are not TensorFlow attributes
_PRIVATE_ATTRS = frozenset({"unseeded", "rng_state_size", "_weights"})

_TYPED_VAL = {"f": "float_val", "i": "int_val", "b": "bool_val"}


def shape_proto(shape) -> object:
    """A ``TensorShapeProto``: unknown dimensions are -1, an unknown rank sets ``unknown_rank``."""
    p = protos().TensorShapeProto()
    shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if shape.dims is None:
        p.unknown_rank = True
        return p
    for d in shape.as_list():
        p.dim.add().size = -1 if d is None else int(d)
    return p


def tensor_proto(value) -> object:
    """A ``TensorProto`` holding ``value`` (an array, or anything ``np.asarray`` takes)."""
    arr = np.asarray(value)
    dtype = _dt.string if arr.dtype.kind in "OSU" else _dt.as_dtype(arr.dtype)
    p = protos().TensorProto()
    p.dtype = dtype.as_datatype_enum
    p.tensor_shape.CopyFrom(shape_proto(arr.shape))
    if dtype is _dt.string:
        p.string_val.extend(
            v if isinstance(v, bytes) else str(v).encode() for v in arr.reshape(-1).tolist()
        )
    elif dtype is _dt.float16:
        p.half_val.extend(arr.reshape(-1).view(np.uint16).tolist())
    elif (
        arr.ndim == 0 and dtype not in (_dt.uint32, _dt.uint64) and arr.dtype.kind in "fiub"
    ):  # scalars as typed values, as TF writes
        if dtype is _dt.float64:
            p.double_val.append(float(arr))
        elif dtype is _dt.int64:
            p.int64_val.append(int(arr))
        else:
            getattr(p, _TYPED_VAL[arr.dtype.kind] if arr.dtype.kind != "u" else "int_val").append(
                arr.item()
            )
    elif arr.dtype.kind in "fiubc":
        p.tensor_content = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
    else:  # bfloat16 (ml_dtypes): its bytes as they are (little-endian hosts only)
        p.tensor_content = np.ascontiguousarray(arr).tobytes()
    return p


def attr_value(v) -> object | None:
    """An ``AttrValue`` for a Python attribute value, or None where it has no protobuf form."""
    P = protos()
    a = P.AttrValue()
    if isinstance(v, _dt.DType):
        a.type = v.as_datatype_enum
    elif isinstance(v, TensorShape):
        a.shape.CopyFrom(shape_proto(v))
    elif isinstance(v, np.ndarray):
        a.tensor.CopyFrom(tensor_proto(v))
    elif isinstance(v, (bool, np.bool_)):
        a.b = bool(v)
    elif isinstance(v, (int, np.integer)):
        a.i = int(v)
    elif isinstance(v, (float, np.floating)):
        a.f = float(v)
    elif isinstance(v, str):
        a.s = v.encode()
    elif isinstance(v, bytes):
        a.s = v
    elif isinstance(v, (list, tuple)):
        a.list.SetInParent()
        for x in v:
            if isinstance(x, _dt.DType):
                a.list.type.append(x.as_datatype_enum)
            elif isinstance(x, TensorShape):
                a.list.shape.add().CopyFrom(shape_proto(x))
            elif isinstance(x, (bool, np.bool_)):
                a.list.b.append(bool(x))
            elif isinstance(x, (int, np.integer)):
                a.list.i.append(int(x))
            elif isinstance(x, (float, np.floating)):
                a.list.f.append(float(x))
            elif isinstance(x, (str, bytes)):
                a.list.s.append(x.encode() if isinstance(x, str) else x)
            else:
                return None
    else:
        return None
    return a


def _input_name(t) -> str:
    return t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}"


def _element_type(op):
    """TensorFlow's ``T`` attribute: the element type the op computes in."""
    hook = op._def.graphdef_dtype
    if hook is not None:
        return hook(op)
    if not op._inputs or "T" in op._attrs or "SrcT" in op._attrs:
        return None
    if op.type == "Fill":  # Fill(dims, value): T is the value's type
        return op._outputs[0].dtype
    return op._inputs[0].dtype


def node_def(op, add_shapes: bool = False) -> object:
    """The ``NodeDef`` of one operation (in TF's form: see ``graph_def_forms``; the ``Const``
    and ``Shape`` nodes feeding the inputs TF takes where this library keeps attributes are
    written by :func:`as_graph_def`)."""
    return node_defs(op, add_shapes)[-1]


def node_defs(op, add_shapes: bool = False, taken: set | None = None) -> list:
    """The ``NodeDef`` of one operation, after the nodes its TF form adds (names not in
    ``taken``, which they join)."""
    P = protos()
    n = P.NodeDef()
    n.name = op.name
    form = own_form(op) or tf_form(op)
    n.op = form.type if form else op.type
    extras: list = []
    if form is None:
        n.input.extend(_input_name(t) for t in op._inputs)
    else:
        written: dict = {}
        n.input.extend(_form_input(op, item, extras, written, taken) for item in form.inputs)
    n.input.extend("^" + c.name for c in op._control_inputs)
    if op.device:
        n.device = op.device
    if form is not None and form.replace:
        attrs = dict(form.attrs)
    else:
        attrs = {k: v for k, v in op._attrs.items() if k not in _PRIVATE_ATTRS and v is not None}
        t = _element_type(op)
        if t is not None:
            attrs["T"] = t
        if form is not None:
            for k in form.drop:
                attrs.pop(k, None)
            attrs.update(form.attrs)
    _set_attrs(n, attrs)
    if add_shapes and op._outputs:
        work = form.work if form is not None else ()
        shapes = [TensorShape(None) if k in work else o.shape for k, o in enumerate(op._outputs)]
        n.attr["_output_shapes"].CopyFrom(attr_value(shapes))
    return [*extras, n]


def _set_attrs(n, attrs: dict) -> None:
    for k in sorted(attrs):
        a = attr_value(attrs[k])
        if a is not None:
            n.attr[k].CopyFrom(a)


def _form_input(op, item, extras: list, written: dict, taken: set | None) -> str:
    """The input name a ``Form`` item stands for; the ``Extra`` nodes it needs are appended to
    ``extras`` (each once, after those it reads)."""
    if isinstance(item, int):
        return _input_name(op._inputs[item])
    if isinstance(item, str):
        return item
    k = 0
    if isinstance(item, tuple):
        item, k = item
    name = written.get(id(item))
    if name is None:
        name = written[id(item)] = _extra_node(op, item, extras, written, taken)
    return name if k == 0 else f"{name}:{k}"


def _extra_node(op, item, extras: list, written: dict, taken: set | None) -> str:
    extra = protos().NodeDef()
    ins = [_form_input(op, i, extras, written, taken) for i in item.inputs]  # (written first)
    extra.name = _fresh(f"{op.name}/{item.suffix}", taken)
    if item.type:  # a node of a TF op type (after the op's control inputs, as the op)
        extra.op = item.type
        extra.input.extend(ins)
        extra.input.extend("^" + c.name for c in op._control_inputs)
        _set_attrs(extra, item.attrs)
    elif item.value is None:  # the runtime shape of one of the op's inputs
        src = op._inputs[item.shape_of]
        extra.op = "Shape"
        extra.input.append(_input_name(src))
        extra.attr["T"].CopyFrom(attr_value(src.dtype))
        extra.attr["out_type"].CopyFrom(attr_value(_dt.int32))
    else:
        extra.op = "Const"
        extra.attr["dtype"].CopyFrom(attr_value(_dt.as_dtype(item.value.dtype)))
        extra.attr["value"].CopyFrom(attr_value(item.value))
    if op.device:
        extra.device = op.device
    extras.append(extra)
    return extra.name


def _fresh(name: str, taken: set | None) -> str:
    if taken is None:
        return name
    base, i = name, 0
    while name in taken:
        i += 1
        name = f"{base}_{i}"
    taken.add(name)
    return name


def as_graph_def(graph, from_version=None, add_shapes: bool = False) -> object:
    """The ``GraphDef`` of ``graph``: ops in creation order (ops with ids above ``from_version``
    only, when given); ``add_shapes`` adds each node's ``_output_shapes``."""
    gd = protos().GraphDef()
    gd.versions.producer = GRAPH_DEF_VERSION
    ops = graph.get_operations()
    taken = {op.name for op in ops}
    for op in ops:
        if from_version is None or op._id > from_version:
            for nd in node_defs(op, add_shapes, taken):
                gd.node.add().CopyFrom(nd)
    return gd
