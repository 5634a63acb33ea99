"""``tf.cond``, ``tf.case`` and ``tf.switch_case``: one ``If`` op whose branches are function
bodies (``FuncGraph``); the Session runs the branch the predicate picks, inside the plan.

>>> x = tf.placeholder(tf.float32, [])
>>> y = tf.cond(x > 0, lambda: x * 2.0, lambda: -x)
>>> with tf.Session() as sess:
...     [float(sess.run(y, {x: v})) for v in (3.0, -4.0)]
[6.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.func_graph import FuncGraph, sinks
from ..framework.graph import Operation, Tensor, get_default_graph, innermost_graph, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import OpKind, register_op
from ..framework.tensor_shape import TensorShape
from . import structure
from .array_ops import identity, squeeze, stack
from .logging_ops import Assert
from .math_ops import cast, equal, less_equal, reduce_sum


def _if_shape(op, in_shapes, value_of):
    t_res, e_res = op.get_attr("then_results"), op.get_attr("else_results")
    return [_common_shape(a.shape, b.shape) for a, b in zip(t_res, e_res)]


def _common_shape(a, b):
    """The most specific shape both ``a`` and ``b`` are compatible with."""
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


register_op("If", _if_shape, kind=OpKind.CONTROL, stateful=True)


def build_branch(name: str, fn: Callable[[], Any], outer) -> tuple[FuncGraph, Any]:
    """``fn()`` built into a new function body; returns the body and ``fn``'s result."""
    g = FuncGraph(name, outer)
    g._name_stack = outer._name_stack + ("/" if outer._name_stack else "") + name.rsplit("/")[-1]
    with g.as_default():
        out = fn()
    return g, out


def _branch_outputs(g: FuncGraph, out: Any, pred_param) -> list[Tensor]:
    """The flat results of a branch as tensors of its body (an Operation gives the predicate's
    value once it has run, as TF's cond_v2; a captured tensor its placeholder)."""
    flat = []
    with g.as_default():
        for v in structure.flatten(out):
            if isinstance(v, Operation):
                with g.control_dependencies([v]):
                    v = identity(pred_param())
            elif hasattr(v, "_as_flow"):  # a TensorArray: its flow
                v = v._as_flow()
            else:
                v = convert_to_tensor(v)
                if v.graph is not g:
                    v = g._capture(v)
            flat.append(v)
    return flat


def make_if(
    pred: Tensor,
    graphs: Sequence[FuncGraph],
    results: Sequence[list],
    name: str,
    params: Sequence[list] | None = None,
    inputs: Sequence[Tensor] = (),
    then_sinks: list | None = None,
    else_sinks: list | None = None,
):
    """The If op running ``graphs[1]`` (then) or ``graphs[0]`` (else) with ``results``; the two
    bodies get the same params: every tensor either captures, in one order."""
    outer = innermost_graph(pred.graph)
    captured: list[Tensor] = []
    for g in graphs:
        for t in g.captures:
            if t not in captured:
                captured.append(t)
    cap_params = []
    for g in graphs:
        ps = []
        for t in captured:
            ph = g.captures.get(t)
            if ph is None:
                ph = g._capture(t)
            ps.append(ph)
        cap_params.append(ps)
    # explicit params (a gradient's incoming grads) come after the captures
    params = [cap_params[i] + (list(params[i]) if params else []) for i in range(2)]
    captured = captured + list(inputs)
    else_g, then_g = graphs
    tout = [t.dtype for t in results[1]]
    attrs: dict[str, Any] = {
        "then_branch": then_g,
        "else_branch": else_g,
        "then_params": params[1],
        "else_params": params[0],
        "then_results": list(results[1]),
        "else_results": list(results[0]),
        "Tout": tout,
        "then_sinks": sinks(then_g) if then_sinks is None else then_sinks,
        "else_sinks": sinks(else_g) if else_sinks is None else else_sinks,
    }
    op = outer.create_op("If", [pred, *captured], tout, attrs, name)
    for g in graphs:
        for c in g.outer_control:
            if c.graph is op.graph:
                op._add_control_input(c)
            else:
                outer._control_from_outside(c)
    return op


def _unpack_if_singleton(res):
    if isinstance(res, (list, tuple)) and len(res) == 1:
        return res[0]
    return res


def cond(
    pred: Any,
    true_fn: Callable[[], Any] | None = None,
    false_fn: Callable[[], Any] | None = None,
    strict: bool = False,
    name: str | None = None,
    fn1: Callable[[], Any] | None = None,
    fn2: Callable[[], Any] | None = None,
) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``: only the branch taken runs."""
    if fn1 is not None:
        if true_fn is not None:
            raise TypeError("cond(): 'true_fn' and 'fn1' may not be set simultaneously.")
        true_fn = fn1
    elif true_fn is None:
        raise TypeError("cond(): 'true_fn' argument required")
    if fn2 is not None:
        if false_fn is not None:
            raise TypeError("cond(): 'false_fn' and 'fn2' may not be set simultaneously.")
        false_fn = fn2
    elif false_fn is None:
        raise TypeError("cond(): 'false_fn' argument required")
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool", pred)
    g = graph_of(pred)
    with g.as_default(), name_scope(name, "cond", [pred]) as scope:
        pred_t = convert_to_tensor(pred)
        if pred_t.shape.rank is None or pred_t.shape.rank > 0:
            pred_t = squeeze(pred_t)
        if pred_t.dtype != _dt.bool:
            raise TypeError(
                f"Input 'cond' of 'If' Op has type {pred_t.dtype.name} that does not match "
                "expected type of bool."
            )
        if pred_t.shape.rank not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {pred_t.shape.rank} for 'cond'")
        outer = get_default_graph()
        then_g, t_out = build_branch(scope + "true", true_fn, outer)
        else_g, f_out = build_branch(scope + "false", false_fn, outer)
        if t_out is None:
            raise ValueError("'true_fn' must have a return value.")
        if f_out is None:
            raise ValueError("'false_fn' must have a return value.")
        if not strict:
            t_out, f_out = _unpack_if_singleton(t_out), _unpack_if_singleton(f_out)
        _check_same_outputs("cond", t_out, f_out)
        t_flat = _branch_outputs(then_g, t_out, lambda: then_g._capture(pred_t))
        f_flat = _branch_outputs(else_g, f_out, lambda: else_g._capture(pred_t))
        _check_same_dtypes("cond", t_out, f_out, t_flat, f_flat)
        op = make_if(pred_t, [else_g, then_g], [f_flat, t_flat], scope[:-1] if scope else "cond")
        outs = [identity(t) for t in op._outputs]
        return _repack(t_out, outs)


def _repack(template: Any, flat: list) -> Any:
    """``flat`` (the If's outputs) in the structure of a branch's result (TensorArrays keep their
    class: a new TensorArray on the output flow)."""
    leaves = structure.flatten(template)
    vals = []
    for leaf, t in zip(leaves, flat):
        if hasattr(leaf, "_with_flow"):
            vals.append(leaf._with_flow(t))
        else:
            vals.append(t)
    return structure.pack_sequence_as(template, vals)


def _describe(x: Any) -> str:
    return str(x)


def _check_same_outputs(op_name: str, t_out: Any, f_out: Any, names=("true_fn", "false_fn")):
    try:
        structure.assert_same_structure(t_out, f_out, check_types=False)
    except (ValueError, TypeError) as e:
        _mismatch(op_name, t_out, f_out, str(e), names)


def _check_same_dtypes(op_name, t_out, f_out, t_flat, f_flat, names=("true_fn", "false_fn")):
    for a, b in zip(t_flat, f_flat):
        if a.dtype != b.dtype:
            _mismatch(op_name, t_out, f_out, f"{a} and {b} have different types", names)


def _mismatch(op_name, t_out, f_out, detail, names):
    tf_name = "tf.cond" if op_name == "cond" else "tf.switch_case"
    raise TypeError(
        f"{names[0]} and {names[1]} arguments to {tf_name} must have the same number, type, "
        "and overall structure of return values.\n\n"
        f"{names[0]} output: {_describe(t_out)}\n{names[1]} output: {_describe(f_out)}\n\n"
        f"Error details:\n{detail}"
    )


def case(
    pred_fn_pairs: Any,
    default: Callable[[], Any] | None = None,
    exclusive: bool = False,
    strict: bool = False,
    name: str = "case",
) -> Any:
    """The function of the first pair whose predicate is true (``default`` when none is); with
    ``exclusive``, an error at run time when more than one is (as TF: checked before any runs)."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    for p in pairs:
        if not isinstance(p, tuple) or len(p) != 2:
            raise TypeError("Each entry in pred_fn_pairs must be a 2-tuple")
        if not callable(p[1]):
            raise TypeError(f"fn for pred {p[0].name} must be callable.")
    if default is not None and not callable(default):
        raise TypeError("default must be callable.")
    if default is None and not pairs:
        raise ValueError("default must be callable if pred_fn_pairs is empty")
    preds = [convert_to_tensor(pr) for pr, _ in pairs]
    for pt in preds:
        if pt.dtype != _dt.bool:
            raise TypeError(f"pred must be Tensor of type bool: {pt.name}")
    fns = [f for _, f in pairs]
    with name_scope(name, "case", preds):
        if default is None:  # as TF: the last pair is the default, checked at run time
            default = _default_action(preds, fns)
            preds, fns = preds[:-1], fns[:-1]
        fn: Callable[[], Any] = default
        for pt, f in reversed(list(zip(preds, fns))):
            fn = _nested(pt, f, fn, strict)
        if exclusive:
            gate = _assert_at_most_n_true(preds, 1, "Input error: exclusive=True")
            with get_default_graph().control_dependencies([gate]):
                return fn()
        return fn()


def _assert_at_most_n_true(preds, n, msg):
    """An Assert that at most ``n`` of ``preds`` are true (TF's message)."""
    stacked = stack(preds, name="preds_c")
    num_true = reduce_sum(cast(stacked, _dt.int32), name="num_true_conds")
    condition = less_equal(num_true, constant(n, name="n_true_conds"))
    names = ", ".join(getattr(p, "name", "?") for p in preds)
    data = [f"{msg}: more than {n} conditions ({names}) evaluated as True:", stacked]
    return Assert(condition, data=data, summarize=len(preds))


def _default_action(preds, fns):
    """The last function, run where no other predicate is true, asserting that its own is."""
    k = len(preds) - 1
    others, pred, action = preds[:k], preds[k], fns[k]

    def default_action():
        others_msg = (
            f"Implementation error: selected default action #{k} was called, but some of other "
            "predicates are True: "
        )
        checks = [
            Assert(
                pred,
                data=[
                    "Input error: None of conditions evaluated as True:",
                    stack(preds, name="preds_c"),
                ],
            )
        ]
        if others:
            checks.insert(0, _assert_at_most_n_true(others, 0, others_msg))
        with get_default_graph().control_dependencies(checks):
            return action()

    return default_action


def _nested(pred, true_fn, false_fn, strict):
    return lambda: cond(pred, true_fn, false_fn, strict=strict)


def switch_case(
    branch_index: Any,
    branch_fns: Any,
    default: Callable[[], Any] | None = None,
    name: str = "switch_case",
) -> Any:
    """``branch_fns[branch_index]()`` (``default``, or the last branch, for an index out of
    range)."""
    if isinstance(branch_index, int):
        raise TypeError("branch_index must not be a Python int", branch_index)
    if isinstance(branch_fns, dict):
        items = sorted(branch_fns.items())
        keys = [k for k, _ in items]
        if keys != list(range(len(keys))):
            raise ValueError("branch indices (keys) must form contiguous range of [0 to N).")
        fns = [f for _, f in items]
    else:
        fns = [f[1] if isinstance(f, tuple) else f for f in branch_fns]
    if not fns:
        raise ValueError("Must provide at least one item in branch_fns")
    for f in fns:
        if not callable(f):
            raise TypeError("fn for branch must be callable.")
    with name_scope(name, "switch_case", [branch_index]):
        idx = convert_to_tensor(branch_index)
        if idx.dtype != _dt.int32:
            raise TypeError(f"branch_index must an int32 Tensor, got {idx.dtype.name}")
        if default is None:
            default = fns[-1]
            fns = fns[:-1]
        fn: Callable[[], Any] = default
        for i in reversed(range(len(fns))):
            fn = _nested(equal(idx, i), fns[i], fn, False)
        return fn()
