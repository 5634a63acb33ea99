"""``RaggedTensor`` and ``RaggedTensorValue`` (TF's ``ops/ragged/ragged_tensor.py`` and
``ragged_tensor_value.py``): rows of different lengths as a flat ``values`` tensor and int64
``row_splits`` (row i is ``values[row_splits[i]:row_splits[i + 1]]``); ``values`` may itself be
ragged (``ragged_rank`` > 1). ``Session.run`` of a RaggedTensor gives a ``RaggedTensorValue``.

What the string ops that return ragged results need (``tf.strings.bytes_split``,
``unicode_decode``, ``unicode_split`` and their ``_with_offsets`` forms), with TF's names: the
factories ``from_row_splits``, ``from_row_lengths``, ``from_value_rowids``,
``from_nested_row_splits`` and ``from_tensor`` (without ``lengths``/``padding``), the
properties, ``row_lengths``, ``nrows``, ``value_rowids``, ``with_values``, ``with_flat_values``
and ``to_tensor`` (of ``ragged_rank`` 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.composite_tensor import CompositeTensor
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope, run_with_default_session
from ..framework.tensor_shape import TensorShape
from . import array_ops, grid_ops, indexing_ops, math_extra_ops, math_ops


class _Rows:
    """The row structure RaggedTensor and RaggedTensorValue share: ``values`` (of the same
    class, for a nested one, or the flat values) partitioned by ``row_splits``."""

    _values: Any
    _row_splits: Any

    @property
    def values(self) -> Any:
        return self._values

    @property
    def row_splits(self) -> Any:
        return self._row_splits

    @property
    def flat_values(self) -> Any:
        v = self._values
        while isinstance(v, type(self)):
            v = v.values
        return v

    @property
    def nested_row_splits(self) -> tuple:
        out, v = [self._row_splits], self._values
        while isinstance(v, type(self)):
            out.append(v.row_splits)
            v = v.values
        return tuple(out)

    @property
    def ragged_rank(self) -> int:
        return len(self.nested_row_splits)


class RaggedTensorValue(_Rows):
    """A RaggedTensor's value: NumPy ``values`` (or a nested RaggedTensorValue) and
    ``row_splits``."""

    def __init__(self, values: Any, row_splits: np.ndarray):
        if not isinstance(row_splits, np.ndarray) or row_splits.dtype not in (np.int32, np.int64):
            raise TypeError("row_splits must be a 1D int32 or int64 numpy array")
        if not isinstance(values, (np.ndarray, RaggedTensorValue)):
            raise TypeError("values must be a numpy array or a RaggedTensorValue")
        self._values = values
        self._row_splits = row_splits

    @property
    def dtype(self) -> np.dtype:
        return self.flat_values.dtype

    @property
    def shape(self) -> tuple:
        inner = self.flat_values.shape[1:]
        return (self._row_splits.shape[0] - 1, *((None,) * self.ragged_rank), *inner)

    def to_list(self) -> list:
        """The rows as nested Python lists."""
        if isinstance(self._values, RaggedTensorValue):
            v = self._values.to_list()
        else:
            v = self._values.tolist()
        s = self._row_splits
        return [v[s[i] : s[i + 1]] for i in range(len(s) - 1)]

    def __repr__(self) -> str:
        return f"tf.RaggedTensorValue(values={self._values!r}, row_splits={self._row_splits!r})"


def _i64(v: Any) -> Tensor:
    return convert_to_tensor(np.asarray(v, np.int64))


def _splits(t: Any, name: str) -> Tensor:
    s = convert_to_tensor(t, name=name)
    if s.dtype not in (_dt.int32, _dt.int64):
        raise ValueError(f"{name} must have dtype int32 or int64, got {s.dtype.name}")
    s = math_ops.cast(s, _dt.int64) if s.dtype != _dt.int64 else s
    if s.shape.ndims not in (None, 1):
        raise ValueError(f"Shape {s.shape} must have rank 1")
    return s


class RaggedTensor(_Rows, CompositeTensor):
    """Rows of different lengths: ``values`` (a Tensor or RaggedTensor) and ``row_splits``.

    >>> import tflite_core as tf
    >>> rt = tf.RaggedTensor.from_row_splits([3, 1, 4, 1, 5], row_splits=[0, 2, 2, 5])
    >>> with tf.Session() as sess:
    ...     sess.run(rt).to_list()
    [[3, 1], [], [4, 1, 5]]
    """

    def __init__(self, values: Any, row_splits: Tensor, internal: bool = False):
        if not internal:
            raise ValueError(
                "RaggedTensor constructor is private; please use one of the factory methods "
                "instead (e.g., RaggedTensor.from_row_lengths())"
            )
        self._values = values
        self._row_splits = row_splits

    # ---- factories ---------------------------------------------------------------------------
    @classmethod
    def from_row_splits(
        cls, values: Any, row_splits: Any, name: str | None = None, validate: bool = True
    ) -> RaggedTensor:
        """Row i is ``values[row_splits[i]:row_splits[i + 1]]``."""
        with name_scope(name or "RaggedFromRowSplits"):
            if not isinstance(values, RaggedTensor):
                values = convert_to_tensor(values, name="values")
                if values.shape.ndims == 0:
                    raise ValueError("values must have rank >= 1")
            return cls(values, _splits(row_splits, "row_splits"), internal=True)

    @classmethod
    def from_row_lengths(
        cls, values: Any, row_lengths: Any, name: str | None = None, validate: bool = True
    ) -> RaggedTensor:
        """Row i holds the next ``row_lengths[i]`` values."""
        with name_scope(name or "RaggedFromRowLengths"):
            lengths = _splits(row_lengths, "row_lengths")
            splits = array_ops.concat(
                [array_ops.zeros([1], _dt.int64), math_extra_ops.cumsum(lengths)], 0
            )
            return cls.from_row_splits(values, splits)

    @classmethod
    def from_value_rowids(
        cls,
        values: Any,
        value_rowids: Any,
        nrows: Any = None,
        name: str | None = None,
        validate: bool = True,
    ) -> RaggedTensor:
        """``values[k]`` goes to row ``value_rowids[k]`` (sorted); ``nrows`` rows (default: the
        last row id + 1)."""
        with name_scope(name or "RaggedFromValueRowIds"):
            ids = _splits(value_rowids, "value_rowids")
            if nrows is None:
                n = array_ops.concat([ids[-1:] + 1, array_ops.zeros([1], _dt.int64)], 0)
                nrows = math_ops.reduce_max(n)
            nrows = math_ops.cast(convert_to_tensor(nrows, name="nrows"), _dt.int64)
            lengths = indexing_ops.unsorted_segment_sum(
                array_ops.ones_like(ids), ids, math_ops.cast(nrows, _dt.int32)
            )
            return cls.from_row_lengths(values, lengths)

    @classmethod
    def from_nested_row_splits(
        cls,
        flat_values: Any,
        nested_row_splits: Any,
        name: str | None = None,
        validate: bool = True,
    ) -> RaggedTensor:
        """One partition per ragged dimension, outermost first."""
        if isinstance(nested_row_splits, Tensor):
            raise TypeError("nested_row_splits must be a list of Tensors")
        with name_scope(name or "RaggedFromNestedRowSplits"):
            result = flat_values
            for splits in reversed(list(nested_row_splits)):
                result = cls.from_row_splits(result, splits)
            return result

    @classmethod
    def from_tensor(
        cls,
        tensor: Any,
        lengths: Any = None,
        padding: Any = None,
        ragged_rank: int = 1,
        name: str | None = None,
        row_splits_dtype: Any = _dt.int64,
    ) -> RaggedTensor:
        """A dense tensor as a RaggedTensor whose ``ragged_rank`` outer dimensions are uniform
        (each row keeps all its values; ``lengths`` and ``padding`` are not supported)."""
        if lengths is not None or padding is not None:
            raise ValueError("from_tensor: lengths and padding are not supported here")
        with name_scope(name or "RaggedFromTensor"):
            t = convert_to_tensor(tensor, name="tensor")
            ndims = t.shape.ndims
            if ndims is None:
                raise ValueError("tensor's rank must be known")
            if not 0 < ragged_rank < ndims:
                raise ValueError(f"ragged_rank must be greater than 0 and less than {ndims}")
            dims = array_ops.shape(t, out_type=_dt.int64)
            flat = array_ops.reshape(
                t, array_ops.concat([_i64([-1]), dims[ragged_rank + 1 :]], 0)
            )  # [prod(dims[:ragged_rank + 1]), ...]
            result: Any = flat
            for k in range(ragged_rank, 0, -1):
                rows = math_ops.reduce_prod(dims[:k])
                step = dims[k]
                splits = indexing_ops.range(0, rows * step + 1, step)
                result = cls.from_row_splits(result, splits)
            return result

    # ---- structure ---------------------------------------------------------------------------
    # values, row_splits, flat_values, nested_row_splits, ragged_rank: _Rows's

    @property
    def dtype(self) -> _dt.DType:
        return self.flat_values.dtype

    @property
    def row_splits_dtype(self) -> _dt.DType:
        return _dt.int64

    @property
    def graph(self) -> Any:
        return self._row_splits.graph

    @property
    def shape(self) -> TensorShape:
        n = self._row_splits.shape.as_list()[0] if self._row_splits.shape.ndims == 1 else None
        inner = self.flat_values.shape
        tail = inner.as_list()[1:] if inner.ndims is not None else None
        if tail is None:
            return TensorShape(None)
        return TensorShape([None if n is None else n - 1, *([None] * self.ragged_rank), *tail])

    def get_shape(self) -> TensorShape:
        return self.shape

    def row_lengths(self, axis: int = 1, name: str | None = None) -> Tensor:
        """The length of each row (of the outermost ragged dimension)."""
        if axis != 1:
            raise ValueError("row_lengths: only axis=1 is supported here")
        with name_scope(name or "RaggedRowLengths"):
            return self._row_splits[1:] - self._row_splits[:-1]

    def nrows(self, out_type: Any = _dt.int64, name: str | None = None) -> Tensor:
        with name_scope(name or "RaggedNRows"):
            n = array_ops.shape(self._row_splits, out_type=_dt.int64)[0] - 1
            return math_ops.cast(n, out_type) if out_type != _dt.int64 else n

    def value_rowids(self, name: str | None = None) -> Tensor:
        """The row of each of ``values``' rows."""
        with name_scope(name or "RaggedValueRowIds"):
            lengths = self.row_lengths()
            rows = indexing_ops.range(0, self.nrows(), dtype=_dt.int64)
            return grid_ops.repeat(rows, lengths)

    def with_values(self, new_values: Any) -> RaggedTensor:
        return RaggedTensor(new_values, self._row_splits, internal=True)

    def with_flat_values(self, new_values: Any) -> RaggedTensor:
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def to_tensor(
        self, default_value: Any = None, name: str | None = None, shape: Any = None
    ) -> Tensor:
        """A dense tensor: each row padded with ``default_value`` (default zero / empty) to the
        longest row's length (ragged_rank 1)."""
        if self.ragged_rank != 1 or shape is not None:
            raise ValueError("to_tensor: only ragged_rank 1 without shape is supported here")
        with name_scope(name or "RaggedToTensor"):
            values = self._values
            lengths = self.row_lengths()
            width = math_ops.reduce_max(array_ops.concat([lengths, _i64([0])], 0))
            cols = indexing_ops.range(0, width, dtype=_dt.int64)
            inside = math_ops.less(
                array_ops.expand_dims(cols, 0), array_ops.expand_dims(lengths, 1)
            )
            # position in [default, *values]: 0 (the default) past each row's end
            at = array_ops.expand_dims(self._row_splits[:-1], 1) + array_ops.expand_dims(cols, 0)
            at = indexing_ops.where(inside, at + 1, array_ops.zeros_like(at))
            if default_value is None:
                default = array_ops.zeros_like(values[:1])
            else:
                inner = array_ops.shape(values, out_type=_dt.int64)[1:]
                d = convert_to_tensor(default_value, values.dtype)
                default = array_ops.fill(array_ops.concat([_i64([1]), inner], 0), d)
            return indexing_ops.gather(array_ops.concat([default, values], 0), at)

    # ---- running -----------------------------------------------------------------------------
    def _fetch_components(self) -> list:
        return [self.flat_values, *self.nested_row_splits]

    def _value_from_components(self, values: list) -> RaggedTensorValue:
        result: Any = np.asarray(values[0])
        for splits in reversed(values[1:]):
            result = RaggedTensorValue(result, np.asarray(splits, np.int64))
        return result

    def eval(self, feed_dict: Any = None, session: Any = None) -> RaggedTensorValue:
        return run_with_default_session(self, feed_dict, session)

    def __repr__(self) -> str:
        return f"tf.RaggedTensor(values={self._values}, row_splits={self._row_splits})"
