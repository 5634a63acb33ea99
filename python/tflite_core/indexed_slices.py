"""``tf.IndexedSlices``: a sparse gradient, the rows ``values`` of a tensor of shape
``dense_shape`` at ``indices`` (rows named twice are summed). ``tf.gather``/``embedding_lookup``
produce it as the gradient of their params, ``tf.gradients`` passes it through, and the
optimisers apply it as a scatter update touching only those rows. Where a dense tensor is needed
(fetched, added to a dense gradient, passed to an op) it converts with ``unsorted_segment_sum``.

>>> import numpy as np
>>> table = tf.Variable(np.zeros((4, 2), np.float32))
>>> g = tf.gradients(tf.reduce_sum(tf.nn.embedding_lookup(table, [3, 1, 3])), table)[0]
>>> isinstance(g, tf.IndexedSlices)
True
>>> with tf.Session() as sess:
...     sess.run(tf.global_variables_initializer())
...     print(sess.run(g))
[[0. 0.]
 [1. 1.]
 [0. 0.]
 [2. 2.]]
"""

from __future__ import annotations

from .graph import Tensor, convert_to_tensor


class IndexedSlices:
    """TF's ``IndexedSlices(values, indices, dense_shape)``.

    Args:
        values: the rows, shape ``[n] + dense_shape[1:]``.
        indices: int32/int64 vector of ``n`` row ids.
        dense_shape: the dense tensor's shape (an int tensor), or None.
    """

    def __init__(self, values, indices, dense_shape=None, _num_rows=None):
        self._values = convert_to_tensor(values)
        self._indices = convert_to_tensor(indices)
        self._dense_shape = None if dense_shape is None else convert_to_tensor(dense_shape)
        self._num_rows = _num_rows  # a scalar known when the plan compiles: dense_shape[0]
        self._dense = None

    values = property(lambda self: self._values)
    indices = property(lambda self: self._indices)
    dense_shape = property(lambda self: self._dense_shape)
    dtype = property(lambda self: self._values.dtype)
    graph = property(lambda self: self._values.graph)
    op = property(lambda self: self._values.op)
    name = property(lambda self: self._values.name)
    device = property(lambda self: "")

    def __repr__(self):
        return (
            f"IndexedSlices(indices={self._indices!r}, values={self._values!r}, "
            f"dense_shape={self._dense_shape!r})"
        )

    def _to_dense(self) -> Tensor:
        """The dense tensor (created once): ``unsorted_segment_sum(values, indices, rows)``."""
        if self._dense is None:
            from .indexing_ops import unsorted_segment_sum

            if self._num_rows is None:
                raise ValueError(
                    f"Cannot convert {self!r} to a dense tensor: its number of rows is unknown"
                )
            with self.graph.as_default():
                self._dense = unsorted_segment_sum(self._values, self._indices, self._num_rows)
        return self._dense

    def _tflite_as_tensor(self) -> Tensor:
        return self._to_dense()

    def _as_graph_element(self) -> Tensor:
        return self._to_dense()


def concat_slices(slices: list) -> IndexedSlices:
    """Several IndexedSlices of one tensor as one, by concatenation (as TF aggregates them)."""
    from .array_ops import cast, concat

    first = slices[0]
    idt = first.indices.dtype
    ids = [s.indices if s.indices.dtype == idt else cast(s.indices, idt) for s in slices]
    return IndexedSlices(
        concat([s.values for s in slices], 0),
        concat(ids, 0),
        first.dense_shape,
        _num_rows=first._num_rows,
    )
