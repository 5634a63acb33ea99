"""``TensorInfo``: how a SignatureDef names a tensor of the graph
(``tf.saved_model.utils``, TF 1.x).

``build_tensor_info`` describes a tensor (its name, dtype and static shape; a ``SparseTensor``
by the names of its three tensors), ``get_tensor_from_tensor_info`` finds it again in a graph,
e.g. the graph a SavedModel was loaded into.

>>> import tflite_core as tf
>>> with tf.Graph().as_default() as g:
...     x = tf.placeholder(tf.float32, [None, 3], name="x")
...     info = tf.saved_model.utils.build_tensor_info(x)
...     print(info.name, info.tensor_shape.dim[1].size)
...     print(tf.saved_model.utils.get_tensor_from_tensor_info(info) is x)
x:0 3
True
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.graph import Graph, Operation, Tensor, get_default_graph
from ..framework.graph_def import shape_proto
from ..framework.meta_graph_protos import meta_protos
from ..framework.scoped_names import prepend_name_scope
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape
from ..ops.variables import Variable

_REF = 100  # a DataType enum's offset to its reference type (DT_FLOAT_REF = 101)


def as_message(message: Any, name: str) -> Any:
    """``message`` as this library's class ``name`` (TF's own messages pass through their
    bytes)."""
    cls = getattr(meta_protos(), name)
    if isinstance(message, cls):
        return message
    return cls.FromString(message.SerializeToString())


def build_tensor_info(tensor: Tensor | SparseTensor | Variable) -> Any:
    """The ``TensorInfo`` of ``tensor``: name, dtype and static shape; for a ``SparseTensor``
    its dtype and dense shape, and the names of its values, indices and dense_shape tensors.
    A (reference) variable's dtype is the reference type, as TF's (``DT_FLOAT_REF``)."""
    info = meta_protos().TensorInfo()
    dtype = _dt.as_dtype(tensor.dtype).as_datatype_enum
    info.dtype = dtype + _REF if isinstance(tensor, Variable) else dtype
    shape: Any = shape_proto(tensor.get_shape())
    info.tensor_shape.MergeFromString(shape.SerializeToString())
    if isinstance(tensor, SparseTensor):
        info.coo_sparse.values_tensor_name = tensor.values.name
        info.coo_sparse.indices_tensor_name = tensor.indices.name
        info.coo_sparse.dense_shape_tensor_name = tensor.dense_shape.name
    else:
        info.name = tensor.name
    return info


def build_tensor_info_from_op(op: Operation | Tensor) -> Any:
    """A ``TensorInfo`` naming an op (TF's internal one for init and train ops): its name,
    ``DT_INVALID`` and an unknown shape."""
    info = meta_protos().TensorInfo(name=op.name, dtype=0)
    shape: Any = shape_proto(TensorShape(None))
    info.tensor_shape.MergeFromString(shape.SerializeToString())
    return info


def get_tensor_from_tensor_info(
    tensor_info: Any, graph: Graph | None = None, import_scope: str | None = None
) -> Tensor | SparseTensor:
    """The tensor (or ``SparseTensor``) of ``graph`` (default: the default graph) that
    ``tensor_info`` names, its names under ``import_scope``.

    Raises:
        KeyError: no such tensor in the graph.
        ValueError: ``tensor_info`` names no tensor (no ``name``, no ``coo_sparse``).
    """
    tensor_info = as_message(tensor_info, "TensorInfo")
    graph = graph or get_default_graph()

    def tensor(name: str) -> Tensor:
        return graph.get_tensor_by_name(prepend_name_scope(name, import_scope))

    encoding = tensor_info.WhichOneof("encoding")
    if encoding == "name":
        return tensor(tensor_info.name)
    if encoding == "coo_sparse":
        coo = tensor_info.coo_sparse
        with graph.as_default():
            return SparseTensor(
                tensor(coo.indices_tensor_name),
                tensor(coo.values_tensor_name),
                tensor(coo.dense_shape_tensor_name),
            )
    raise ValueError(
        f"Invalid TensorInfo.encoding: {encoding}. Expected `coo_sparse`, `composite_tensor`, "
        "or `name` for a dense tensor."
    )


def get_element_from_tensor_info(
    tensor_info: Any, graph: Graph | None = None, import_scope: str | None = None
) -> Tensor | Operation:
    """The op or tensor of ``graph`` that ``tensor_info`` names (KeyError when none)."""
    graph = graph or get_default_graph()
    return graph.as_graph_element(prepend_name_scope(tensor_info.name, import_scope))
