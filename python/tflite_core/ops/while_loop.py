"""``tf.while_loop``: one ``While`` op whose cond and body are function bodies (``FuncGraph``); the
Session runs the whole loop inside one plan step (``client/control.py``, ``cpp/control.cc``).

>>> i = tf.constant(0)
>>> r = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i])
>>> with tf.Session() as sess:
...     int(sess.run(r))
10

The While op is also what the gradient of a loop is (``control_flow_grad.py``): besides the loop
variables (``n_vars``) and the tensors its bodies capture (``n_captures``) it may read one row of
``n_sliced`` stacked inputs each iteration, accumulate values of each iteration into stacks
(``accumulate``) and write extra per-iteration outputs (``extra_like``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.func_graph import FuncGraph, sinks
from ..framework.graph import Tensor, get_default_graph, name_scope
from ..framework.registry import OpKind, register_op
from ..framework.tensor_shape import TensorShape, as_shape
from . import structure
from .array_ops import fill, identity


def _while_shape(op, in_shapes, value_of):
    K = op.get_attr("n_vars")
    shapes = [p.shape for p in op.get_attr("body_params")[:K]]  # the shape invariants
    shapes.append(TensorShape([]))  # the iteration count
    for t in op.get_attr("accumulate"):
        shapes.append(TensorShape([None]).concatenate(t.shape))
    results = op.get_attr("body_results")
    base = K + op.get_attr("n_captures")
    for e, like in enumerate(op.get_attr("extra_like")):
        s = in_shapes[base + like]
        rows = s.as_list()[0] if s.rank else None
        shapes.append(TensorShape([rows]).concatenate(results[K + e].shape))
    return shapes


register_op("While", _while_shape, kind=OpKind.CONTROL, stateful=True)


def new_body(name: str, outer) -> FuncGraph:
    g = FuncGraph(name, outer)
    g._name_stack = name
    return g


def make_while(
    name: str,
    init: list[Tensor],
    cond_g: FuncGraph | None,
    cond_result: Tensor | None,
    body_g: FuncGraph,
    var_params: list[Tensor],
    var_results: list[Tensor],
    *,
    sliced: tuple[list[Tensor], list[Tensor], list[bool]] = ([], [], []),
    extra: tuple[list[Tensor], list[int], list[bool]] = ([], [], []),
    max_iterations: Tensor | None = None,
    zero_init: list[bool] | None = None,
    back_prop: bool = True,
    outer=None,
    body_sinks: list | None = None,
):
    """The While op. ``sliced`` = (outer stacks, their row params in the bodies, reversed);
    ``extra`` = (body results, the sliced input each takes its rows from, reversed). Tensors the
    bodies captured become inputs after the loop vars (both bodies get a param for each)."""
    graphs = [g for g in (cond_g, body_g) if g is not None]
    captured: list[Tensor] = []
    for g in graphs:
        for t in g.captures:
            if t not in captured and t not in sliced[1]:
                captured.append(t)
    params: dict = {}
    for g in graphs:
        ps = []
        for t in captured:
            ph = g.captures.get(t)
            if ph is None:
                ph = g._capture(t)
            ps.append(ph)
        params[g] = ps
    stacks, row_params, slice_rev = sliced
    body_params = list(var_params) + params[body_g] + list(row_params)
    cond_params = None
    if cond_g is not None:
        # the cond body has its own params for the vars and rows (made by the caller)
        cond_params = list(cond_g.inputs[: len(var_params)]) + params[cond_g]
        cond_params += list(cond_g.inputs[len(var_params) : len(var_params) + len(row_params)])
    inputs = list(init) + captured + list(stacks)
    if max_iterations is not None:
        inputs.append(max_iterations)
    extra_results, extra_like, extra_rev = extra
    K = len(init)
    attrs = {
        "cond_branch": cond_g,
        "body_branch": body_g,
        "cond_params": cond_params,
        "cond_result": cond_result,
        "body_params": body_params,
        "body_results": list(var_results) + list(extra_results),
        "n_vars": K,
        "n_captures": len(captured),
        "n_sliced": len(stacks),
        "has_max": max_iterations is not None,
        "slice_reverse": list(slice_rev),
        "extra_like": list(extra_like),
        "extra_reverse": list(extra_rev),
        "zero_init": list(zero_init or [False] * K),
        "accumulate": [],
        "back_prop": back_prop,
        "body_sinks": sinks(body_g) if body_sinks is None else body_sinks,
        "cond_sinks": sinks(cond_g) if cond_g is not None else [],
        "T": [t.dtype for t in init],
    }
    dtypes = [t.dtype for t in init] + [_dt.int32] + [t.dtype for t in extra_results]
    og = outer if outer is not None else get_default_graph()
    op = og.create_op("While", inputs, dtypes, attrs, name)
    for bg in graphs:
        for c in bg.outer_control:
            if c.graph is op.graph:
                op._add_control_input(c)
            else:
                og._control_from_outside(c)
    return op


def add_accumulator(op, t: Tensor) -> Tensor:
    """The stack of ``t``'s value at each iteration of While ``op`` (``t``: a body param, the
    value an iteration starts from, or a tensor the body computes), added as an output of
    ``op`` once; rows in iteration order."""
    acc = op._attrs["accumulate"]
    K = op._attrs["n_vars"]
    n_extra = len(op._attrs["extra_like"])
    if t in acc:
        return op._outputs[K + 1 + n_extra + acc.index(t)]
    acc.append(t)
    out = Tensor(op, len(op._outputs), t.dtype, TensorShape([None]).concatenate(t.shape))
    op._outputs.append(out)
    op.graph._version += 1
    return out


def is_dynamic(t: Tensor) -> bool:
    """Whether ``t`` is a stack whose rows are only known when its While runs (an accumulated
    stack, or an extra output with rows like such a stack)."""
    op = t.op
    if op.type != "While":
        return False
    K = op._attrs["n_vars"]
    like = op._attrs["extra_like"]
    i = t.value_index
    if i >= K + 1 + len(like):
        return True
    if i > K:
        return is_dynamic(op._inputs[K + op._attrs["n_captures"] + like[i - K - 1]])
    return False


def _flat_loop_vars(loop_vars: Any) -> tuple[list, list]:
    """The loop vars as tensors, and which of them start as zeros shaped by the body (a
    TensorArray whose element shape is not known yet: its input is a placeholder value)."""
    flat, zero_init = [], []
    for v in structure.flatten(loop_vars):
        if hasattr(v, "_as_flow") and v._flow is None:
            flat.append(fill([0], convert_to_tensor(0, dtype=v.dtype)))
            zero_init.append(True)
        elif hasattr(v, "_as_flow"):  # a TensorArray travels as its flow
            flat.append(v._as_flow())
            zero_init.append(False)
        else:
            flat.append(convert_to_tensor(v))
            zero_init.append(False)
    return flat, zero_init


def _repack(template: Any, flat: list) -> Any:
    vals = []
    for leaf, t in zip(structure.flatten(template), flat):
        vals.append(leaf._with_flow(t) if hasattr(leaf, "_with_flow") else t)
    return structure.pack_sequence_as(template, vals)


def _shape_str(s: TensorShape) -> str:
    if s.rank is None:
        return "<unknown>"
    return (
        "("
        + ", ".join("None" if d is None else str(d) for d in s.as_list())
        + (",)" if s.rank == 1 else ")")
    )


def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    shape_invariants: Any = None,
    parallel_iterations: int = 10,
    back_prop: bool = True,
    swap_memory: bool = False,
    name: str | None = None,
    maximum_iterations: Any = None,
    return_same_structure: bool = False,
) -> Any:
    """Repeats ``body`` while ``cond`` is true: ``loop_vars = body(*loop_vars)``.

    The loop variables may be any nested structure of tensors and TensorArrays; each keeps its
    dtype, and its shape must stay compatible with its shape invariant (by default the shape it
    enters with). ``maximum_iterations`` stops the loop after that many iterations.
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    if loop_vars is None or (structure.is_nested(loop_vars) and not structure.flatten(loop_vars)):
        raise ValueError("'loop_vars' must be provided.")
    single = not structure.is_nested(loop_vars) and not return_same_structure
    if not structure.is_nested(loop_vars):
        loop_vars = (loop_vars,)
        if shape_invariants is not None:
            shape_invariants = (shape_invariants,)
    with name_scope(name, "while", structure.flatten(loop_vars)) as scope:
        outer = get_default_graph()
        init, zero_init = _flat_loop_vars(loop_vars)
        leaves = structure.flatten(loop_vars)
        if shape_invariants is None:
            invariants = [
                leaf._lazy_invariant() if z else t.shape
                for leaf, t, z in zip(leaves, init, zero_init)
            ]
        else:
            try:
                structure.assert_same_structure(loop_vars, shape_invariants, check_types=False)
            except (ValueError, TypeError) as e:
                raise ValueError(
                    f"shape_invariants must have the same structure as loop_vars: {e}"
                ) from None
            invariants = []
            for leaf, inv, t, z in zip(
                leaves, structure.flatten(shape_invariants), init, zero_init
            ):
                inv = as_shape(inv)
                if z:
                    inv = leaf._lazy_invariant()
                if not z and not inv.is_compatible_with(t.shape):
                    raise ValueError(
                        "The shape invariant specified for "
                        f"{t.name} is not compatible with the initial shape of the loop "
                        f"variable. It enters the loop with shape {_shape_str(t.shape)}, but the "
                        f"specified shape invariant is {_shape_str(inv)}."
                    )
                invariants.append(inv)
        if maximum_iterations is not None:
            max_t = convert_to_tensor(maximum_iterations, name="maximum_iterations")
            if max_t.shape.rank not in (None, 0):
                raise ValueError(f"maximum_iterations must be a scalar, saw shape: {max_t.shape}")
            if max_t.dtype not in (_dt.int32, _dt.int64):
                raise TypeError(
                    f"maximum_iterations must be int32 or int64, got {max_t.dtype.name}"
                )
        else:
            max_t = None
        base = scope[:-1] if scope else "while"

        def params_of(g):
            ps = [
                g.add_param(t.dtype, inv, f"loop_var_{i}")
                for i, (t, inv) in enumerate(zip(init, invariants))
            ]
            g.inputs = ps
            return ps

        cond_g = new_body(base + "/cond", outer)
        with cond_g.as_default():
            c_params = params_of(cond_g)
            c_out = cond(*_repack(loop_vars, c_params))
            c_t = convert_to_tensor(c_out)
            if c_t.graph is not cond_g:
                c_t = cond_g._capture(c_t)
            if c_t.dtype != _dt.bool:
                raise TypeError(
                    f"'cond' must return a boolean scalar tensor, got a {c_t.dtype.name} tensor"
                )
            if c_t.shape.rank not in (None, 0):
                raise ValueError(f"'cond' must return a scalar, got shape {c_t.shape}")
        body_g = new_body(base + "/body", outer)
        with body_g.as_default():
            b_params = params_of(body_g)
            b_out = body(*_repack(loop_vars, b_params))
            if not structure.is_nested(b_out):
                b_out = [b_out]
            try:
                structure.assert_same_structure(list(loop_vars), list(b_out), check_types=False)
            except (ValueError, TypeError) as e:
                raise ValueError(str(e)) from None
            results = []
            for leaf, t, inv in zip(structure.flatten(b_out), init, invariants):
                r = leaf._as_flow() if hasattr(leaf, "_as_flow") else convert_to_tensor(leaf)
                if r.graph is not body_g:
                    r = body_g._capture(r)
                if r.dtype != t.dtype:
                    raise TypeError(
                        f"Loop var {t.name} enters the loop with type {t.dtype.name}, but has "
                        f"type {r.dtype.name} after 1 iteration."
                    )
                if not inv.is_compatible_with(r.shape):
                    raise ValueError(
                        f"Input tensor '{t.name}' enters the loop with shape "
                        f"{_shape_str(inv)}, but has shape {_shape_str(r.shape)} after one "
                        "iteration. To allow the shape to vary across iterations, use the "
                        "`shape_invariants` argument of tf.while_loop to specify a "
                        "less-specific shape."
                    )
                results.append(r)
        op = make_while(
            base,
            init,
            cond_g,
            c_t,
            body_g,
            b_params,
            results,
            max_iterations=max_t,
            back_prop=back_prop,
            outer=outer,
            zero_init=zero_init,
        )
        outs = [identity(t) for t in op._outputs[: len(init)]]
        packed = _repack(loop_vars, outs)
        if single or (not return_same_structure and len(outs) == 1):
            return structure.flatten(packed)[0]
        return packed
