"""``tf.nn.ctc_beam_search_decoder`` (and ``_v2``): TF's ``CTCBeamSearchDecoder`` as a host op.

The op runs TF's prefix beam search on the CPU as TF's kernel does, step for step, so that the
same beams survive and come out in the same order, near-ties included:

* each frame's logits are normalised by ``max + log(sum(exp(x - max)))`` (summed in the input's
  dtype, class by class);
* a beam entry keeps ``total``, ``blank`` and ``label`` log probabilities of its prefix at the
  previous (``oldp``) and the current (``newp``) frame; an entry extends its prefix when its
  parent is still active (the parent's ``blank`` when the last two labels are equal, else its
  ``total``), then every entry takes the frame's blank, and the entries, in descending order of
  their previous total, grow children for each non-blank class while they can enter the beam
  (a full beam's bottom entry is reset, and dropped, when a child enters);
* the beam is TF's ``gtl::TopN``: an unordered vector that learns its bottom element on demand and
  becomes a heap at ``beam_width + 1`` elements; its extraction sorts it. The heap and the sort
  follow the C++ standard library's algorithms (libstdc++'s ``make_heap``/``push_heap``/
  ``pop_heap``/``sort_heap`` and its introsort with a final insertion sort), which decide the order
  of entries with equal probabilities;
* arithmetic is the input's dtype's (each float32 result rounded to float32, the C library's
  ``expf``/``logf``/``log1pf`` called as the kernel calls them); log-sum-exp is TF's
  ``a + log1pf(expf(b - a))`` for the larger ``a``, in float even for float64 logits, as TF's.

After a sequence's last frame the ``top_paths`` best entries are picked by a second ``TopN`` over
the beam; their label sequences (repeats merged when ``merge_repeated``) and total log
probabilities are the outputs. Errors are TF's: ``sequence_length(b) <= max_time`` and a length
mismatch are ``FailedPreconditionError``; more paths than the beam width, or than the beam holds,
are ``InvalidArgumentError`` when the graph runs.

>>> probs = [[[0.1, 0.6, 0.3]], [[0.2, 0.2, 0.6]], [[0.6, 0.3, 0.1]]]  # [time, batch, classes]
>>> logits = tf.constant(np.log(np.array(probs, np.float32)))
>>> decoded, log_prob = tf.nn.ctc_beam_search_decoder(logits, [3], beam_width=4, top_paths=2)
>>> with tf.Session() as sess:
...     best, second, lp = sess.run([decoded[0], decoded[1], log_prob])
>>> best.values.tolist(), second.values.tolist(), [round(float(v), 4) for v in lp[0]]
([1, 0], [0], [-0.8965, -1.772])
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, name_scope, shape_error
from ..framework.op_util import make_op
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape

_NEG_INF = float("-inf")

# ---- the C++ standard library's heap and sort (libstdc++), over a list and a "greater" -----------
Cmp = Callable[[Any, Any], bool]


def _adjust_heap(a: list, first: int, hole: int, length: int, value: Any, cmp: Cmp) -> None:
    """libstdc++'s ``__adjust_heap`` on ``a[first:first + length]`` (indices relative)."""
    top = hole
    child = hole
    view = _View(a, first)
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if cmp(view[child], view[child - 1]):
            child -= 1
        view[hole] = view[child]
        hole = child
    if length & 1 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        view[hole] = view[child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and cmp(view[parent], value):
        view[hole] = view[parent]
        hole = parent
        parent = (hole - 1) // 2
    view[hole] = value


class _View:
    """``a[first:]`` by reference (index arithmetic as the C++ iterators do)."""

    __slots__ = ("a", "first")

    def __init__(self, a: list, first: int) -> None:
        self.a, self.first = a, first

    def __getitem__(self, i: int) -> Any:
        return self.a[self.first + i]

    def __setitem__(self, i: int, v: Any) -> None:
        self.a[self.first + i] = v


def make_heap(a: list, first: int, last: int, cmp: Cmp) -> None:
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(a, first, parent, length, a[first + parent], cmp)
        if parent == 0:
            return
        parent -= 1


def push_heap(a: list, first: int, last: int, cmp: Cmp) -> None:
    view = _View(a, first)
    hole = last - first - 1
    value = view[hole]
    parent = (hole - 1) // 2
    while hole > 0 and cmp(view[parent], value):
        view[hole] = view[parent]
        hole = parent
        parent = (hole - 1) // 2
    view[hole] = value


def _pop_heap_to(a: list, first: int, last: int, result: int, cmp: Cmp) -> None:
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value, cmp)


def pop_heap(a: list, first: int, last: int, cmp: Cmp) -> None:
    if last - first > 1:
        last -= 1
        _pop_heap_to(a, first, last, last, cmp)


def sort_heap(a: list, first: int, last: int, cmp: Cmp) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap_to(a, first, last, last, cmp)


_THRESHOLD = 16


def _linear_insert(a: list, last: int, cmp: Cmp) -> None:
    val = a[last]
    nxt = last - 1
    while cmp(val, a[nxt]):
        a[last] = a[nxt]
        last = nxt
        nxt -= 1
    a[last] = val


def _insertion_sort(a: list, first: int, last: int, cmp: Cmp) -> None:
    if first == last:
        return
    for i in range(first + 1, last):
        if cmp(a[i], a[first]):
            val = a[i]
            a[first + 1 : i + 1] = a[first:i]
            a[first] = val
        else:
            _linear_insert(a, i, cmp)


def _median_to_first(a: list, result: int, x: int, y: int, z: int, cmp: Cmp) -> None:
    if cmp(a[x], a[y]):
        if cmp(a[y], a[z]):
            pick = y
        elif cmp(a[x], a[z]):
            pick = z
        else:
            pick = x
    elif cmp(a[x], a[z]):
        pick = x
    elif cmp(a[y], a[z]):
        pick = z
    else:
        pick = y
    a[result], a[pick] = a[pick], a[result]


def _partition(a: list, first: int, last: int, pivot: int, cmp: Cmp) -> int:
    while True:
        while cmp(a[first], a[pivot]):
            first += 1
        last -= 1
        while cmp(a[pivot], a[last]):
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _introsort_loop(a: list, first: int, last: int, depth: int, cmp: Cmp) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            make_heap(a, first, last, cmp)  # partial_sort(first, last, last)
            sort_heap(a, first, last, cmp)
            return
        depth -= 1
        mid = first + (last - first) // 2
        _median_to_first(a, first, first + 1, mid, last - 1, cmp)
        cut = _partition(a, first + 1, last, first, cmp)
        _introsort_loop(a, cut, last, depth, cmp)
        last = cut


def std_sort(a: list, cmp: Cmp) -> None:
    """libstdc++'s ``std::sort(a.begin(), a.end(), cmp)``, ties placed as it places them."""
    n = len(a)
    if n == 0:
        return
    _introsort_loop(a, 0, n, 2 * (n.bit_length() - 1), cmp)
    if n > _THRESHOLD:
        _insertion_sort(a, 0, _THRESHOLD, cmp)
        for i in range(_THRESHOLD, n):
            _linear_insert(a, i, cmp)
    else:
        _insertion_sort(a, 0, n, cmp)


# ---- TF's gtl::TopN ------------------------------------------------------------------------------
_UNORDERED, _BOTTOM_KNOWN, _HEAP_SORTED = range(3)


class TopN:
    """TF's ``gtl::TopN`` with a "greater" comparison: keeps the ``limit`` largest pushed."""

    def __init__(self, limit: int, cmp: Cmp) -> None:
        self.limit, self.cmp = limit, cmp
        self.elements: list = []
        self.state = _UNORDERED

    def size(self) -> int:
        return len(self.elements)

    def reset(self) -> None:
        self.elements = []
        self.state = _UNORDERED

    def unsorted(self) -> list:
        return list(self.elements)

    def push(self, v: Any) -> None:
        el, cmp = self.elements, self.cmp
        if self.limit == 0:
            return
        if self.state != _HEAP_SORTED:
            el.append(v)
            if len(el) == self.limit + 1:
                make_heap(el, 0, len(el), cmp)
                pop_heap(el, 0, len(el), cmp)
                el.pop()
                self.state = _HEAP_SORTED
            elif not (self.state == _UNORDERED or cmp(el[-1], el[0])):
                el[0], el[-1] = el[-1], el[0]
        elif cmp(v, el[0]):
            pop_heap(el, 0, len(el), cmp)
            el[-1] = v
            push_heap(el, 0, len(el), cmp)

    def peek_bottom(self) -> Any:
        el = self.elements
        if self.state == _UNORDERED:
            low = 0
            for i in range(1, len(el)):
                if self.cmp(el[low], el[i]):
                    low = i
            if low != 0:
                el[0], el[low] = el[low], el[0]
            self.state = _BOTTOM_KNOWN
        return el[0]

    def extract(self) -> list:
        out, self.elements = self.elements, []
        if self.state != _HEAP_SORTED:
            std_sort(out, self.cmp)
        else:
            sort_heap(out, 0, len(out), self.cmp)
        return out


# ---- the beam search -----------------------------------------------------------------------------
class _Entry:
    """A prefix in the beam tree: its parent, last label, children and probabilities."""

    __slots__ = (
        "children",
        "label",
        "n_blank",
        "n_label",
        "n_total",
        "o_blank",
        "o_label",
        "o_total",
        "parent",
    )

    def __init__(self, parent: _Entry | None, label: int) -> None:
        self.parent, self.label = parent, label
        self.children: dict[int, _Entry] = {}
        self.o_total = self.o_blank = self.o_label = _NEG_INF
        self.n_total = self.n_blank = self.n_label = _NEG_INF

    def active(self) -> bool:
        return self.n_total != _NEG_INF

    def reset_new(self) -> None:
        self.n_total = self.n_blank = self.n_label = _NEG_INF

    def labels(self, merge_repeated: bool) -> list[int]:
        out: list[int] = []
        prev = -1
        c: _Entry = self
        while c.parent is not None:
            if not merge_repeated or c.label != prev:
                out.append(c.label)
            prev = c.label
            c = c.parent
        out.reverse()
        return out


def _greater(a: _Entry, b: _Entry) -> bool:
    return a.n_total > b.n_total


def _libm() -> Any:
    """The C math library TF's kernel calls (``expf``/``logf``/``log1pf`` for float32)."""
    try:
        lib = ctypes.CDLL("libm.so.6")
    except OSError:  # not glibc: the platform's C math library
        lib = ctypes.CDLL(ctypes.util.find_library("m"))
    for fn in ("expf", "logf", "log1pf"):
        getattr(lib, fn).restype = ctypes.c_float
        getattr(lib, fn).argtypes = [ctypes.c_float]
    return lib


_LIBM = _libm()


class _Arith:
    """Operations in the logits' dtype: float32 arithmetic rounds each result to float32 and
    calls the C library's float functions (as TF's kernel does); float64 uses Python's floats
    (the C library's double functions)."""

    def __init__(self, dtype: np.dtype) -> None:
        single = self.single = dtype == np.float32
        self.r: Callable[[float], float] = (lambda v: float(np.float32(v))) if single else float
        self.exp: Callable[[float], float] = _LIBM.expf if single else math.exp
        self.log: Callable[[float], float] = _LIBM.logf if single else math.log
        self.log1p: Callable[[float], float] = _LIBM.log1pf if single else math.log1p

    def lse(self, a: float, b: float) -> float:
        """TF's ``LogSumExp``: ``hi + log1pf(expf(lo - hi))``, in float even for float64."""
        if a == _NEG_INF:
            return b
        if b == _NEG_INF:
            return a
        r = self.r
        hi, lo = (a, b) if a > b else (b, a)
        return r(hi + _LIBM.log1pf(_LIBM.expf(r(lo - hi))))


class BeamSearch:
    """TF's ``CTCBeamSearchDecoder`` with the default scorer (blank: the last class)."""

    def __init__(self, num_classes: int, beam_width: int, dtype: np.dtype) -> None:
        self.num_classes, self.beam_width = num_classes, beam_width
        self.ar = _Arith(dtype)
        self.leaves = TopN(beam_width, _greater)
        self.reset()

    def reset(self) -> None:
        self.leaves.reset()
        root = _Entry(None, -1)
        root.n_total = root.n_blank = 0.0
        self.leaves.push(root)

    def _norm_offset(self, x: list[float]) -> float:
        r = self.ar.r
        top = max(x)
        s = r(0.0)
        for v in x:
            s = r(s + self.ar.exp(r(v - top)))
        return r(top + self.ar.log(s))

    def step(self, x: list[float]) -> None:
        r, lse, leaves, width = self.ar.r, self.ar.lse, self.leaves, self.beam_width
        norm = self._norm_offset(x)
        blank = self.num_classes - 1
        branches = leaves.extract()
        leaves.reset()
        for b in branches:
            b.o_total, b.o_blank, b.o_label = b.n_total, b.n_blank, b.n_label
        for b in branches:
            p = b.parent
            if p is not None:
                if p.active():
                    prev = p.o_blank if b.label == p.label else p.o_total
                    b.n_label = lse(b.n_label, prev)
                b.n_label = r(b.n_label + r(x[b.label] - norm))
            b.n_blank = r(r(b.o_total + x[blank]) - norm)
            b.n_total = lse(b.n_blank, b.n_label)
            leaves.push(b)

        def candidate(total: float) -> bool:
            return total > _NEG_INF and (
                leaves.size() < width or total > leaves.peek_bottom().n_total
            )

        shifted = self._shifted(x, norm)  # logit - norm, rounded as the kernel rounds it
        for b in branches:
            if not candidate(b.o_total):
                continue
            children = b.children
            for label in range(self.num_classes - 1):
                c = children.get(label)
                if c is not None and c.n_total != _NEG_INF:
                    continue  # already in the beam
                prev = b.o_blank if label == b.label else b.o_total
                # The child's total is r(shifted + prev). It can enter only when that exceeds
                # the bottom of a full beam; rounding is monotonic and the bottom is
                # representable, so a sum at or below it is refused without being rounded (and
                # without making the child: an inactive child and a missing one are alike).
                raw = shifted[label] + prev
                if raw == _NEG_INF:
                    enters = False
                elif leaves.size() < width:
                    enters = True
                else:
                    enters = raw > leaves.peek_bottom().n_total
                if enters:
                    total = r(raw)
                    enters = candidate(total)
                if enters:
                    if c is None:
                        c = children[label] = _Entry(b, label)
                    c.n_blank = _NEG_INF
                    c.n_label = c.n_total = total
                    if leaves.size() == width:
                        leaves.peek_bottom().reset_new()
                    leaves.push(c)
                elif c is not None:
                    c.o_total = c.o_blank = c.o_label = _NEG_INF
                    c.reset_new()

    def _shifted(self, x: list[float], norm: float) -> list[float]:
        if self.ar.single:
            return (np.asarray(x, np.float32) - np.float32(norm)).tolist()
        return [v - norm for v in x]

    def top_paths(self, n: int, merge_repeated: bool) -> tuple[list[list[int]], list[float]]:
        if n > self.beam_width:
            raise ValueError("requested more paths than the beam width.")
        if n > self.leaves.size():
            raise ValueError("Less leaves in the beam search than requested.")
        best = TopN(n, _greater)
        for e in self.leaves.unsorted():
            best.push(e)
        entries = best.extract()[:n]
        return [e.labels(merge_repeated) for e in entries], [e.n_total for e in entries]


# ---- the op --------------------------------------------------------------------------------------
def _fail(op: Operation, cls: Any, message: str) -> errors.OpError:
    err: errors.OpError = cls(None, op, f"{message}\n\t [[node {op.name}]]")
    return err


def _check_inputs(op: Operation, inputs: np.ndarray, seq_len: np.ndarray) -> None:
    if inputs.ndim != 3:
        raise _fail(op, errors.InvalidArgumentError, "inputs is not a 3-Tensor")
    if inputs.size == 0:
        raise _fail(op, errors.InvalidArgumentError, "inputs must not be empty")
    if seq_len.ndim != 1:
        raise _fail(op, errors.InvalidArgumentError, "sequence_length is not a vector")
    max_time, batch = inputs.shape[:2]
    if seq_len.shape[0] != batch:
        raise _fail(
            op,
            errors.FailedPreconditionError,
            f"len(sequence_length) != batch_size.  len(sequence_length):  {seq_len.shape[0]} "
            f"batch_size: {batch}",
        )
    for b in range(batch):
        if not seq_len[b] <= max_time:
            raise _fail(op, errors.FailedPreconditionError, f"sequence_length({b}) <= {max_time}")


def _decode(op: Operation, inputs: np.ndarray, seq_len: np.ndarray) -> list[np.ndarray]:
    _check_inputs(op, inputs, seq_len)
    top = int(op.get_attr("top_paths"))
    merge = bool(op.get_attr("merge_repeated"))
    _, batch, num_classes = inputs.shape
    search = BeamSearch(num_classes, int(op.get_attr("beam_width")), inputs.dtype)
    paths: list[list[list[int]]] = []
    log_prob = np.zeros((batch, top), inputs.dtype)
    for b in range(batch):
        for t in range(int(seq_len[b])):
            search.step([float(v) for v in inputs[t, b]])
        try:
            labels, scores = search.top_paths(top, merge)
        except ValueError as e:
            raise _fail(op, errors.InvalidArgumentError, str(e)) from None
        search.reset()
        paths.append(labels)
        log_prob[b] = scores
    indices, values, shapes = [], [], []
    for p in range(top):
        rows = [(b, t) for b in range(batch) for t in range(len(paths[b][p]))]
        indices.append(np.array(rows, np.int64).reshape(-1, 2))
        values.append(np.array([v for b in range(batch) for v in paths[b][p]], np.int64))
        width = max((len(paths[b][p]) for b in range(batch)), default=0)
        shapes.append(np.array([batch, width], np.int64))
    return [*indices, *values, *shapes, log_prob]


def _shapes(op: Operation, in_shapes: list, value_of: Any) -> list[TensorShape]:
    inputs, seq_len = in_shapes
    if inputs.rank is not None and inputs.rank != 3:
        msg = f"Shape must be rank 3 but is rank {inputs.rank}"
        raise shape_error(op.type, op.name, msg, in_shapes)
    if seq_len.rank is not None and seq_len.rank != 1:
        msg = f"Shape must be rank 1 but is rank {seq_len.rank}"
        raise shape_error(op.type, op.name, msg, in_shapes)
    batch = inputs.as_list()[1] if inputs.rank is not None else None
    if seq_len.rank is not None:
        other = seq_len.as_list()[0]
        if batch is not None and other is not None and batch != other:
            msg = f"Dimensions must be equal, but are {batch} and {other}"
            raise shape_error(op.type, op.name, msg, in_shapes)
        batch = other if batch is None else batch
    top = int(op.get_attr("top_paths"))
    return (
        [TensorShape([None, 2])] * top
        + [TensorShape([None])] * top
        + [TensorShape([2])] * top
        + [TensorShape([batch, top])]
    )


register_op(
    "CTCBeamSearchDecoder",
    _shapes,
    kind=OpKind.HOST,
    host_fn=_decode,
    feeds_plan=True,
    graphdef_dtype=lambda op: op._inputs[0].dtype,
)
NotDifferentiable("CTCBeamSearchDecoder")


def _min_attr(name: str, value: Any) -> int:
    v = int(value)
    if v < 1:
        raise ValueError(
            f"Attr '{name}' of 'CTCBeamSearchDecoder' Op passed {v} less than minimum 1."
        )
    return v


def ctc_beam_search_decoder(
    inputs: Any,
    sequence_length: Any,
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
) -> tuple[list[SparseTensor], Tensor]:
    """Beam search over ``inputs`` (logits ``[max_time, batch, num_classes]``, float32 or
    float64; the blank is the last class) for each sequence's first ``sequence_length[b]``
    frames. Returns ``(decoded, log_probabilities)``: ``top_paths`` SparseTensors of int64
    classes (``[batch, longest]``, best path first) and ``[batch, top_paths]`` log
    probabilities. ``merge_repeated`` merges equal consecutive labels of a returned path."""
    beam_width = _min_attr("beam_width", beam_width)
    top_paths = _min_attr("top_paths", top_paths)
    with name_scope(None, "CTCBeamSearchDecoder", [inputs, sequence_length]) as scope:
        x = convert_to_tensor(inputs, name="inputs")
        if x.dtype not in (_dt.float32, _dt.float64):
            raise TypeError(
                f"Value passed to parameter 'inputs' has DataType {x.dtype.name} not in list of "
                "allowed values: float32, float64"
            )
        seq_len = convert_to_tensor(sequence_length, dtype=_dt.int32, name="sequence_length")
        attrs = {
            "beam_width": beam_width,
            "top_paths": top_paths,
            "merge_repeated": bool(merge_repeated),
        }
        out_types = [_dt.int64] * (3 * top_paths) + [x.dtype]
        op = make_op("CTCBeamSearchDecoder", [x, seq_len], out_types, attrs, scope)
    outs = op.outputs
    decoded = [
        SparseTensor(outs[p], outs[top_paths + p], outs[2 * top_paths + p])
        for p in range(top_paths)
    ]
    return decoded, outs[-1]


def ctc_beam_search_decoder_v2(
    inputs: Any, sequence_length: Any, beam_width: int = 100, top_paths: int = 1
) -> tuple[list[SparseTensor], Tensor]:
    """``ctc_beam_search_decoder`` with ``merge_repeated=False`` (TF 2's API)."""
    return ctc_beam_search_decoder(
        inputs,
        sequence_length=sequence_length,
        beam_width=beam_width,
        top_paths=top_paths,
        merge_repeated=False,
    )
