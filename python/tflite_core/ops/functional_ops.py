"""``tf.map_fn``, ``tf.scan``, ``tf.foldl`` and ``tf.foldr``: a ``While`` op that reads one row of
each element tensor per iteration (its sliced inputs, bound in place) and writes each iteration's
outputs to a row of its extra outputs; gradients are the While's.

>>> xs = tf.constant([1.0, 2.0, 3.0])
>>> with tf.Session() as sess:
...     sess.run([tf.map_fn(lambda x: x * x, xs), tf.scan(lambda a, x: a + x, xs),
...               tf.foldl(lambda a, x: a * x, xs)])
[array([1., 4., 9.], dtype=float32), array([1., 3., 6.], dtype=float32), np.float32(6.0)]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph, name_scope
from . import structure
from .array_ops import concat, expand_dims, identity, shape
from .while_loop import make_while, new_body


def _elems(elems: Any, what: str) -> list[Tensor]:
    flat = [convert_to_tensor(e, name="elem") for e in structure.flatten(elems)]
    if not flat:
        raise ValueError(
            "elems must be a Tensor or (possibly nested) sequence of Tensors. "
            f"Got {elems}, which does not contain any Tensors."
        )
    for t in flat:
        if t.shape.rank is not None and t.shape.rank < 1:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    n0 = flat[0].shape.as_list()[0] if flat[0].shape.rank else None
    for t in flat[1:]:
        n = t.shape.as_list()[0] if t.shape.rank else None
        if n0 is not None and n is not None and n != n0:
            raise ValueError(f"Dimensions {n0} and {n} are not compatible")
    return flat


def _count(t: Tensor) -> Tensor:
    n = t.shape.as_list()[0] if t.shape.rank else None
    return convert_to_tensor(n, _dt.int32) if n is not None else shape(t)[0]


def _as_body_tensor(g, v) -> Tensor:
    t = convert_to_tensor(v)
    return g._capture(t) if t.graph is not g else t


def _loop(
    name: str,
    fn: Callable[..., Any],
    elems_flat: list[Tensor],
    pack_row: Callable[[list], Any],
    init: list[Tensor] | None,
    pack_acc: Callable[[list], Any] | None,
    reverse: bool,
    write_rows: bool,
    back_prop: bool,
):
    """The While of map_fn/scan/foldl/foldr: vars ``init`` (an accumulator; none for map_fn),
    one row of each of ``elems_flat`` per iteration; ``write_rows``: the body's outputs (the
    new accumulator, or map_fn's results) also go to a row of extra outputs. Returns (the
    accumulator's final value, the extra outputs, the output structure)."""
    outer = get_default_graph()
    g = new_body(outer.unique_name(name, mark_as_used=False) + "/body", outer)
    with g.as_default():
        rows = [g.add_param(e.dtype, e.shape[1:], f"elem_{i}") for i, e in enumerate(elems_flat)]
        acc = [g.add_param(t.dtype, t.shape, f"acc_{i}") for i, t in enumerate(init or [])]
        if init is None:
            out = fn(pack_row(rows))
        else:
            assert pack_acc is not None
            out = fn(pack_acc(acc), pack_row(rows))
        flat_out = [_as_body_tensor(g, v) for v in structure.flatten(out)]
    if init is not None:
        if len(flat_out) != len(init):
            raise ValueError(
                "The two structures don't have the same number of elements: the accumulator "
                f"has {len(init)}, fn returned {len(flat_out)}"
            )
        for a, r in zip(init, flat_out):
            if a.dtype != r.dtype:
                raise TypeError(
                    f"fn returned a {r.dtype.name} tensor for an accumulator of type {a.dtype.name}"
                )
    n = _count(elems_flat[0])
    k = len(init or [])
    extra = (
        (flat_out, [0] * len(flat_out), [reverse] * len(flat_out)) if write_rows else ([], [], [])
    )
    op = make_while(
        name,
        list(init or []),
        None,
        None,
        g,
        acc,
        flat_out if init is not None else [],
        sliced=(elems_flat, rows, [reverse] * len(elems_flat)),
        extra=extra,
        max_iterations=n,
        back_prop=back_prop,
        outer=outer,
    )
    finals = [identity(t) for t in op._outputs[:k]]
    extras = [identity(t) for t in op._outputs[k + 1 : k + 1 + len(extra[0])]]
    return finals, extras, out


def map_fn(
    fn: Callable[..., Any],
    elems: Any,
    dtype: Any = None,
    parallel_iterations: int | None = None,
    back_prop: bool = True,
    swap_memory: bool = False,
    infer_shape: bool = True,
    name: str | None = None,
    fn_output_signature: Any = None,
) -> Any:
    """``fn`` applied to each row of ``elems`` (a tensor or nested structure of tensors whose
    rows are unpacked together), the results stacked."""
    if not callable(fn):
        raise TypeError(f"The provided function {fn.__name__} is not callable.fn must be callable.")
    with name_scope(name, "map", structure.flatten(elems)):
        flat = _elems(elems, "map_fn")
        pack = lambda xs: structure.pack_sequence_as(elems, xs)  # noqa: E731
        _, extras, out = _loop("map", fn, flat, pack, None, None, False, True, back_prop)
        sig = fn_output_signature if fn_output_signature is not None else dtype
        want = structure.flatten(sig) if sig is not None else [t.dtype for t in flat]
        if len(want) != len(extras) and sig is None and len(structure.flatten(out)) != len(flat):
            raise ValueError(
                "The two structures don't have the same nested structure: map_fn's fn returned "
                f"{out} for elements {elems}; pass dtype (fn_output_signature) for a different "
                "output structure"
            )
        if sig is not None:
            if len(want) != len(extras):
                raise ValueError(
                    f"The two structures don't have the same nested structure: dtype {sig}, "
                    f"fn output {out}"
                )
            for w, t in zip(want, extras):
                if _dt.as_dtype(w) != t.dtype:
                    raise TypeError(
                        f"map_fn: fn returned a {t.dtype.name} tensor where dtype says "
                        f"{_dt.as_dtype(w).name}"
                    )
        return structure.pack_sequence_as(out, extras)


def _first_and_rest(flat: list[Tensor], reverse: bool) -> tuple[list, list]:
    if reverse:
        return [t[-1] for t in flat], [t[:-1] for t in flat]
    return [t[0] for t in flat], [t[1:] for t in flat]


def scan(
    fn: Callable[..., Any],
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    infer_shape: bool = True,
    reverse: bool = False,
    name: str | None = None,
) -> Any:
    """The successive values of ``a = fn(a, x)`` over the rows ``x`` of ``elems``, stacked
    (``a`` starts at ``initializer``, or at the first row, which is then the first output)."""
    if not callable(fn):
        raise TypeError(f"{fn.__name__} is not callable. Please provide a callable function.")
    with name_scope(name, "scan", structure.flatten(elems)):
        flat = _elems(elems, "scan")
        pack = lambda xs: structure.pack_sequence_as(elems, xs)  # noqa: E731
        if initializer is None:
            first, flat = _first_and_rest(flat, reverse)
            template: Any = elems
        else:
            first = [convert_to_tensor(t) for t in structure.flatten(initializer)]
            template = initializer
        pack_acc = lambda xs: structure.pack_sequence_as(template, xs)  # noqa: E731
        _, extras, _ = _loop("scan", fn, flat, pack, first, pack_acc, reverse, True, back_prop)
        if initializer is None:  # the first row is the first output
            extras = [
                concat([e, expand_dims(a, 0)], 0) if reverse else concat([expand_dims(a, 0), e], 0)
                for a, e in zip(first, extras)
            ]
        return structure.pack_sequence_as(template, extras)


def _fold(fn, elems, initializer, back_prop, name, default, reverse):
    if not callable(fn):
        raise TypeError(f"{fn.__name__} is not callable. Please provide a callable function.")
    with name_scope(name, default, structure.flatten(elems)):
        flat = _elems(elems, default)
        pack = lambda xs: structure.pack_sequence_as(elems, xs)  # noqa: E731
        if initializer is None:
            first, flat = _first_and_rest(flat, reverse)
            template: Any = elems
        else:
            first = [convert_to_tensor(t) for t in structure.flatten(initializer)]
            template = initializer
        pack_acc = lambda xs: structure.pack_sequence_as(template, xs)  # noqa: E731
        finals, _, _ = _loop(default, fn, flat, pack, first, pack_acc, reverse, False, back_prop)
        return structure.pack_sequence_as(template, finals)


def foldl(
    fn: Callable[..., Any],
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: str | None = None,
) -> Any:
    """``a = fn(a, x)`` over the rows ``x`` of ``elems``, first to last; the final ``a``."""
    return _fold(fn, elems, initializer, back_prop, name, "foldl", False)


def foldr(
    fn: Callable[..., Any],
    elems: Any,
    initializer: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: str | None = None,
) -> Any:
    """``a = fn(a, x)`` over the rows ``x`` of ``elems``, last to first; the final ``a``."""
    return _fold(fn, elems, initializer, back_prop, name, "foldr", True)


def vectorized_map(
    fn: Callable[..., Any], elems: Any, fallback_to_while_loop: bool = True, warn: bool = True
) -> Any:
    """``fn`` applied to each row of ``elems``, results stacked: ``map_fn`` with its output
    structure taken from ``fn`` (TF vectorizes ``fn``; here the loop runs inside the plan)."""
    flat = _elems(elems, "vectorized_map")
    with name_scope(None, "vectorized_map", flat):
        _, extras, out = _loop(
            "vectorized_map",
            fn,
            flat,
            lambda xs: structure.pack_sequence_as(elems, xs),
            None,
            None,
            False,
            True,
            True,
        )
        return structure.pack_sequence_as(out, extras)
