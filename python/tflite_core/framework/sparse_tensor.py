"""``SparseTensor`` (three tensors: ``indices`` int64 [N, rank], ``values`` [N], ``dense_shape``
int64 [rank]) and ``SparseTensorValue``, what ``Session.run`` returns for one (TF's
``framework/sparse_tensor.py``)."""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from . import dtypes as _dt
from .constant_op import convert_to_tensor
from .graph import Tensor, run_with_default_session
from .op_util import partial_ints
from .tensor_shape import TensorShape

SparseTensorValue = collections.namedtuple(
    "SparseTensorValue", ["indices", "values", "dense_shape"]
)
SparseTensorValue.__doc__ = """A SparseTensor's value: NumPy ``indices``, ``values`` and
``dense_shape`` (what ``Session.run`` returns for a ``SparseTensor``; a feed value for one)."""


class SparseTensor:
    """A sparse tensor: the non-zero ``values`` [N] at ``indices`` [N, rank] of a dense tensor
    of shape ``dense_shape`` [rank] (int64), indices in row-major order for most ops.

    >>> import tflite_core as tf
    >>> st = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1.0, 2.0], dense_shape=[3, 4])
    >>> st.shape
    TensorShape([3, 4])
    >>> with tf.Session() as sess:
    ...     sess.run(tf.sparse.to_dense(st))[1]
    array([0., 0., 2., 0.], dtype=float32)
    """

    def __init__(self, indices: Any, values: Any, dense_shape: Any):
        self._indices = convert_to_tensor(indices, dtype=_dt.int64, name="indices")
        self._values = convert_to_tensor(values, name="values")
        self._dense_shape = convert_to_tensor(dense_shape, dtype=_dt.int64, name="dense_shape")
        for t, what, want in ((self._indices, "indices", 2), (self._values, "values", 1)):
            if t.shape.ndims not in (None, want):
                raise ValueError(f"Shape {t.shape} must have rank {want} ({what})")
        if self._dense_shape.shape.ndims not in (None, 1):
            raise ValueError(f"Shape {self._dense_shape.shape} must have rank 1 (dense_shape)")
        dims = partial_ints(self._dense_shape)
        ds = self._dense_shape.shape
        rank = ds.as_list()[0] if ds.ndims == 1 else None
        self._static = TensorShape(
            None if dims is None else [None if d is None or d < 0 else d for d in dims]
        )
        if dims is None and rank is not None:
            self._static = TensorShape([None] * rank)

    @classmethod
    def from_value(cls, value: Any) -> SparseTensor:
        """A SparseTensor of constants from a ``SparseTensorValue`` (or a SparseTensor itself)."""
        if isinstance(value, SparseTensor):
            return value
        return cls(value.indices, value.values, value.dense_shape)

    @property
    def indices(self) -> Tensor:
        return self._indices

    @property
    def values(self) -> Tensor:
        return self._values

    @property
    def dense_shape(self) -> Tensor:
        return self._dense_shape

    @property
    def dtype(self) -> _dt.DType:
        return self._values.dtype

    @property
    def op(self):
        """The op producing ``values``."""
        return self._values.op

    @property
    def graph(self):
        return self._indices.graph

    @property
    def shape(self) -> TensorShape:
        """The static dense shape (as far as ``dense_shape`` is known at graph build)."""
        return self._static

    def get_shape(self) -> TensorShape:
        return self._static

    def set_shape(self, shape: Any) -> None:
        self._static = self._static.merge_with(TensorShape(shape))

    def consumers(self) -> list:
        return list(
            dict.fromkeys(
                c for t in (self._indices, self._values, self._dense_shape) for c in t.consumers()
            )
        )

    def eval(self, feed_dict: Any = None, session: Any = None) -> SparseTensorValue:
        """Runs this SparseTensor in ``session`` (default: the default session)."""
        return run_with_default_session(self, feed_dict, session)

    def __repr__(self) -> str:
        return (
            f"SparseTensor(indices={self._indices!r}, values={self._values!r}, "
            f"dense_shape={self._dense_shape!r})"
        )


def is_sparse(x: Any) -> bool:
    """Whether ``x`` is a ``SparseTensor`` or a ``SparseTensorValue``."""
    return isinstance(x, (SparseTensor, SparseTensorValue))


def convert_to_tensor_or_sparse_tensor(value: Any, dtype: Any = None, name: str | None = None):
    """``value`` as a SparseTensor (from a ``SparseTensorValue``) or else as a Tensor."""
    if dtype is not None:
        dtype = _dt.as_dtype(dtype)
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype is not None and not dtype.is_compatible_with(value.dtype):
            raise RuntimeError(
                f"Sparse dtype mismatch. Requested: {dtype.name},  Actual: {value.dtype.name}"
            )
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


def sparse_feed_items(key: SparseTensor, value: Any) -> list:
    """The (tensor, array) feeds of a SparseTensor key: its value is a ``SparseTensorValue``
    or an ``(indices, values, dense_shape)`` triple."""
    if isinstance(value, SparseTensor):
        raise TypeError(
            "The value of a feed cannot be a tf.Tensor object. Acceptable feed values include "
            "Python scalars, strings, lists, numpy ndarrays, or TensorHandles."
        )
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise TypeError(
            "The value of a SparseTensor feed must be a SparseTensorValue or a tuple "
            f"(indices, values, dense_shape), got {type(value).__name__}"
        )
    ind, val, shp = value
    return [
        (key.indices, np.asarray(ind, np.int64)),
        (key.values, val),
        (key.dense_shape, np.asarray(shp, np.int64)),
    ]
