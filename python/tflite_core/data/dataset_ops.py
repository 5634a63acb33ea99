"""``tf.data.Dataset`` (TF 1.x's ``DatasetV1``): a pipeline of elements, built in the graph and
iterated by the Session through an ``Iterator``.

A dataset is a chain of nodes (``node.py``); its methods add one. Tensors of the graph it reads
(``from_tensor_slices(placeholder)``, a ``batch_size`` tensor, what its functions capture) are
evaluated when its iterator is initialised. The elements are computed in the Session's process
by the nodes: NumPy for slicing, batching and shuffling, the file formats of ``io/``, and the
functions given to ``map`` & co. run as compiled plans of their traced graphs.

>>> ds = tf.data.Dataset.from_tensor_slices(np.arange(6)).map(lambda x: x * 2).batch(4)
>>> nxt = ds.make_one_shot_iterator().get_next()
>>> with tf.Session() as sess:
...     print(sess.run(nxt), sess.run(nxt))
[0 2 4 6] [ 8 10]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..framework import dtypes as _dt
from ..framework.graph import Tensor
from . import iterator_ops, readers, structure, whole_dataset_ops
from .functions import StructuredFunction
from .node import Node
from .ordering import (
    CacheNode,
    EnumerateNode,
    PrefetchNode,
    RepeatNode,
    ShardNode,
    ShuffleNode,
    SkipNode,
    TakeNode,
    TakeWhileNode,
)
from .sources import (
    ConcatenateNode,
    GeneratorNode,
    ListFilesNode,
    RangeNode,
    SlicesNode,
    TensorsNode,
    ZipNode,
)
from .transformations import (
    BatchNode,
    FilterNode,
    FlatMapNode,
    MapNode,
    PaddedBatchNode,
    UnbatchNode,
)

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class Options:
    """``tf.data.Options``: accepted and kept (the pipeline's threading is its own)."""

    def __init__(self) -> None:
        self.experimental_deterministic: bool | None = None
        self.deterministic: bool | None = None

    def merge(self, other: Options) -> Options:
        out = Options()
        out.__dict__.update(self.__dict__)
        out.__dict__.update({k: v for k, v in other.__dict__.items() if v is not None})
        return out


def _parallel(num_parallel_calls: Any) -> int | None:
    if num_parallel_calls is None:
        return None
    if isinstance(num_parallel_calls, Tensor):
        op = num_parallel_calls.op
        num_parallel_calls = op.get_attr("value") if op.type == "Const" else AUTOTUNE
    return int(num_parallel_calls)


class DatasetV1:
    """A sequence of elements (nested tuples/dicts of tensors) for an input pipeline."""

    def __init__(self, node: Node, options: Options | None = None) -> None:
        self._node = node
        self._options = options or Options()

    # -- structure ---------------------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        return self._node.spec

    @property
    def output_types(self) -> Any:
        return structure.types_of(self._node.spec)

    @property
    def output_shapes(self) -> Any:
        return structure.shapes_of(self._node.spec)

    @property
    def output_classes(self) -> Any:
        return structure.classes_of(self._node.spec)

    def _graph_inputs(self) -> list[Tensor]:
        return self._node.graph_inputs()

    def _chain(self, node: Node) -> DatasetV1:
        return DatasetV1(node, self._options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} element_spec={self.element_spec}>"

    def __iter__(self) -> Any:
        raise RuntimeError(
            "`tf.data.Dataset` only supports Python-style iteration in eager mode or within "
            "tf.function."
        )

    # -- sources -----------------------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> DatasetV1:
        """One element: ``tensors``."""
        return DatasetV1(TensorsNode(tensors))

    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> DatasetV1:
        """The slices of ``tensors`` along their first dimension (all the same size)."""
        return DatasetV1(SlicesNode(tensors))

    @staticmethod
    def range(*args: Any, output_type: Any = _dt.int64, name: str | None = None) -> DatasetV1:
        """``range(stop)``, ``range(start, stop[, step])`` as scalars of ``output_type``."""
        return DatasetV1(RangeNode(args, output_type))

    @staticmethod
    def from_generator(
        generator: Callable[..., Any],
        output_types: Any = None,
        output_shapes: Any = None,
        args: Any = None,
        output_signature: Any = None,
        name: str | None = None,
    ) -> DatasetV1:
        """The values ``generator(*args)`` yields (called anew for each pass), converted to
        ``output_types`` and checked against ``output_shapes``."""
        if output_signature is not None:
            if output_types is not None or output_shapes is not None:
                raise TypeError(
                    "The `output_types` and `output_shapes` arguments can not be used together "
                    "with the `output_signature` argument."
                )
            spec = output_signature
        else:
            if output_types is None:
                raise TypeError(
                    "The `output_types` argument can not be None when `output_signature` is "
                    "not specified."
                )
            spec = structure.spec_from(output_types, output_shapes)
        return DatasetV1(GeneratorNode(generator, spec, args))

    @staticmethod
    def zip(*args: Any, datasets: Any = None, name: str | None = None) -> DatasetV1:
        """Elements of several datasets side by side (a tuple or dict of them), as long as the
        shortest."""
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        if not structure.is_nested(datasets) and not isinstance(datasets, DatasetV1):
            raise TypeError(
                "Invalid `datasets`. `datasets` is expected to be a (nested) structure of "
                "`tf.data.Dataset` objects. Python `list` is not supported and you should use "
                "`tuple` instead."
            )
        flat = structure.flatten(datasets)
        for d in flat:
            if not isinstance(d, DatasetV1):
                raise TypeError(
                    "Invalid `datasets`. `datasets` is expected to be a (nested) structure of "
                    f"`tf.data.Dataset` objects, got {type(d).__name__}."
                )
        return DatasetV1(ZipNode(datasets, [d._node for d in flat]))

    @staticmethod
    def list_files(
        file_pattern: Any, shuffle: bool | None = None, seed: Any = None, name: str | None = None
    ) -> DatasetV1:
        """The files matching ``file_pattern``; shuffled unless ``shuffle=False``."""
        return DatasetV1(ListFilesNode(file_pattern, shuffle, seed))

    # -- transformations ---------------------------------------------------------------------
    def concatenate(self, dataset: DatasetV1, name: str | None = None) -> DatasetV1:
        return self._chain(ConcatenateNode(self._node, dataset._node))

    def map(
        self,
        map_func: Callable[..., Any],
        num_parallel_calls: Any = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> DatasetV1:
        """``map_func`` on each element (a tuple element is passed as positional arguments)."""
        fn = StructuredFunction(map_func, "map", self.element_spec)
        return self._chain(MapNode(self._node, fn, _parallel(num_parallel_calls)))

    map_with_legacy_function = map

    def flat_map(self, map_func: Callable[..., Any], name: str | None = None) -> DatasetV1:
        fn = StructuredFunction(map_func, "flat_map", self.element_spec, returns_dataset=True)
        return self._chain(FlatMapNode(self._node, fn))

    def interleave(
        self,
        map_func: Callable[..., Any],
        cycle_length: Any = None,
        block_length: Any = None,
        num_parallel_calls: Any = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> DatasetV1:
        fn = StructuredFunction(map_func, "interleave", self.element_spec, returns_dataset=True)
        return self._chain(
            FlatMapNode(
                self._node,
                fn,
                AUTOTUNE if cycle_length is None else cycle_length,
                block_length or 1,
            )
        )

    def filter(self, predicate: Callable[..., Any], name: str | None = None) -> DatasetV1:
        fn = StructuredFunction(predicate, "filter", self.element_spec)
        return self._chain(FilterNode(self._node, fn))

    filter_with_legacy_function = filter

    def take_while(self, predicate: Callable[..., Any], name: str | None = None) -> DatasetV1:
        fn = StructuredFunction(predicate, "take_while", self.element_spec)
        FilterNode(self._node, fn)  # (the same check of the predicate's result)
        return self._chain(TakeWhileNode(self._node, fn))

    def batch(
        self,
        batch_size: Any,
        drop_remainder: Any = False,
        num_parallel_calls: Any = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> DatasetV1:
        return self._chain(BatchNode(self._node, batch_size, drop_remainder))

    def padded_batch(
        self,
        batch_size: Any,
        padded_shapes: Any = None,
        padding_values: Any = None,
        drop_remainder: Any = False,
        name: str | None = None,
    ) -> DatasetV1:
        return self._chain(
            PaddedBatchNode(self._node, batch_size, padded_shapes, padding_values, drop_remainder)
        )

    def unbatch(self, name: str | None = None) -> DatasetV1:
        return self._chain(UnbatchNode(self._node))

    def shuffle(
        self,
        buffer_size: Any,
        seed: Any = None,
        reshuffle_each_iteration: bool | None = None,
        name: str | None = None,
    ) -> DatasetV1:
        return self._chain(ShuffleNode(self._node, buffer_size, seed, reshuffle_each_iteration))

    def repeat(self, count: Any = None, name: str | None = None) -> DatasetV1:
        return self._chain(RepeatNode(self._node, count))

    def take(self, count: Any, name: str | None = None) -> DatasetV1:
        return self._chain(TakeNode(self._node, count))

    def skip(self, count: Any, name: str | None = None) -> DatasetV1:
        return self._chain(SkipNode(self._node, count))

    def shard(self, num_shards: Any, index: Any, name: str | None = None) -> DatasetV1:
        return self._chain(ShardNode(self._node, num_shards, index))

    def enumerate(self, start: Any = 0, name: str | None = None) -> DatasetV1:
        return self._chain(EnumerateNode(self._node, start))

    def prefetch(self, buffer_size: Any, name: str | None = None) -> DatasetV1:
        return self._chain(PrefetchNode(self._node, buffer_size))

    def cache(self, filename: Any = "", name: str | None = None) -> DatasetV1:
        return self._chain(CacheNode(self._node, filename))

    def apply(self, transformation_func: Callable[[DatasetV1], DatasetV1]) -> DatasetV1:
        out = transformation_func(self)
        if not isinstance(out, DatasetV1):
            raise TypeError(
                f"`transformation_func` must return a `tf.data.Dataset` object. Got {type(out)}."
            )
        return out

    def with_options(self, options: Options, name: str | None = None) -> DatasetV1:
        return DatasetV1(self._node, self._options.merge(options))

    def options(self) -> Options:
        return self._options

    # -- whole-dataset values ----------------------------------------------------------------
    def reduce(
        self, initial_state: Any, reduce_func: Callable[..., Any], name: str | None = None
    ) -> Any:
        """Tensors: ``reduce_func(state, element)`` folded over the elements from
        ``initial_state``, computed when the graph runs."""
        return whole_dataset_ops.reduce(self, initial_state, reduce_func, name)

    def get_single_element(self, name: str | None = None) -> Any:
        return whole_dataset_ops.get_single_element(self, name)

    def cardinality(self) -> Tensor:
        """A scalar int64 tensor: the number of elements (INFINITE_CARDINALITY,
        UNKNOWN_CARDINALITY)."""
        return whole_dataset_ops.cardinality(self)

    # -- iterators ---------------------------------------------------------------------------
    def make_one_shot_iterator(self) -> iterator_ops.Iterator:
        """An iterator that starts by itself (in each session) and cannot be re-initialised."""
        return iterator_ops.one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name: str | None = None) -> iterator_ops.Iterator:
        """An iterator whose ``initializer`` (re)starts it, with the feeds the dataset needs."""
        return iterator_ops.initializable_iterator(self, shared_name)


Dataset = DatasetV1


class TFRecordDatasetV1(DatasetV1):
    def __init__(
        self,
        filenames: Any,
        compression_type: Any = None,
        buffer_size: Any = None,
        num_parallel_reads: Any = None,
        name: str | None = None,
    ) -> None:
        super().__init__(readers.TFRecordNode(filenames, compression_type, num_parallel_reads))


class TextLineDatasetV1(DatasetV1):
    def __init__(
        self,
        filenames: Any,
        compression_type: Any = None,
        buffer_size: Any = None,
        num_parallel_reads: Any = None,
        name: str | None = None,
    ) -> None:
        super().__init__(readers.TextLineNode(filenames, compression_type, num_parallel_reads))


class FixedLengthRecordDatasetV1(DatasetV1):
    def __init__(
        self,
        filenames: Any,
        record_bytes: Any,
        header_bytes: Any = None,
        footer_bytes: Any = None,
        buffer_size: Any = None,
        compression_type: Any = None,
        num_parallel_reads: Any = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            readers.FixedLengthNode(
                filenames,
                record_bytes,
                header_bytes,
                footer_bytes,
                compression_type,
                num_parallel_reads,
            )
        )


def get_output_types(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator: Any) -> Any:
    return dataset_or_iterator.output_classes


def make_one_shot_iterator(dataset: DatasetV1) -> iterator_ops.Iterator:
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(
    dataset: DatasetV1, shared_name: str | None = None
) -> iterator_ops.Iterator:
    return dataset.make_initializable_iterator(shared_name)
