"""The compile step of control ops (``OpKind.CONTROL``): ``If`` and ``While`` become plan steps that
own the compiled plans of their function bodies (``cpp/control.cc`` runs them).

A body's plan is compiled like any run signature of its ``FuncGraph``: its params are the feeds
(bound to the outer step's buffers each time it runs), its results the fetches. Shapes are the
concrete shapes of this outer plan: a loop variable keeps its shape across iterations. Captured
values that decide shapes (a constant reshape target from outside) are passed in when known.
Ops of a body that nothing reads but that must run (assignments, no-ops with control inputs,
stateful ops such as asserts) are fetched too.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np


def _body_exe(b, op, g, params, results, values, what, sinks):
    """The Executable of a body's plan and the fed values that decide its shapes."""
    exe = type(b.exe)(b.sess, list(results) + list(sinks), list(params), graph=g)
    if exe.runtime_values:
        names = ", ".join(t.name for t in exe.runtime_values)
        raise ValueError(
            f"{op.name} ({op.type}): shapes inside its {what} depend on values only known "
            f"as the body runs ({names}); tflite_core compiles each body once per run"
        )
    if exe.host_order:
        raise ValueError(
            f"{op.name} ({op.type}): its {what} holds ops that run in Python after the plan "
            f"({', '.join(o.name for o in exe.host_order)}); they cannot run inside a body"
        )
    fed_values = {}
    for i in exe.value_feeds:
        p = exe.feed_tensors[i]
        v = values.get(p)
        if v is None:
            raise ValueError(
                f"{op.name} ({op.type}): a shape inside its {what} depends on the value of "
                f"{p.name}, which is not known when the plan compiles (it changes from "
                "iteration to iteration or is computed at run time)"
            )
        fed_values[p] = v
    return exe, fed_values


class _Body:
    """One function body compiled for this plan: its plan and its results' concrete shapes."""

    def __init__(self, b, op, g, params, results, shapes, values, what, sinks=(), owned=()):
        exe, fed_values = _body_exe(b, op, g, params, results, values, what, sinks)
        for p, s in zip(params, shapes):
            if s is None:
                raise ValueError(f"Cannot determine the shape of {p.name} in {op.name} ({op.type})")
        self.builder = sub = b.build_sub(exe, [tuple(s) for s in shapes], fed_values, owned)
        sub.core.set_fetches([sub.slot[t] for t in results])
        self.core = sub.core
        self.shapes = [sub.concrete.get(t) for t in results]


def _probe(b, op, g, params, results, shapes, values, sinks) -> list:
    """The concrete shapes of a body's results where some params' shapes are unknown."""
    exe, fed_values = _body_exe(b, op, g, params, results, values, "body", sinks)
    sub = b.probe_sub(exe, shapes, fed_values)
    return [sub.concrete.get(t) for t in results]


def _row_shape(b, t):
    s = b.concrete.get(t)
    if s is not None:
        return tuple(s[1:])
    elem = b.dynamic.get(t)
    if elem is None:
        raise ValueError(f"Cannot determine the shape of {t.name}")
    return tuple(elem)


def infer(b, op) -> list:
    """Compiles ``op``'s bodies for this plan's concrete shapes; returns its outputs' concrete
    shapes (None for a dynamic output: a stack whose rows are known when it runs)."""
    if op.type == "If":
        return _infer_if(b, op)
    return _infer_while(b, op)


def _values(b, outer, params):
    vals = {}
    for t, p in zip(outer, params):
        v = b.value_of(t)
        if v is not None:
            vals[p] = v
    return vals


_FORWARD_SHAPES = threading.Lock()  # (the boxes are per op: one compile fills them at a time)


def _forward_shapes(b, op, shapes, values) -> None:
    """The concrete shapes of forward values that one branch of the If hands to the gradient
    and the other branch matches with zeros (``ops/control_flow_grad.py``): found by probing
    the branch that computes them, put into the ForwardShape ops' boxes."""
    wanted = op._attrs.get("_forward_shapes")
    if not wanted:
        return
    names = ("else", "then")
    for side in (0, 1):
        mine = [(out, box) for out, (s, box) in wanted.items() if s == side]
        if not mine:
            continue
        results = op.get_attr(names[side] + "_results")
        found = _probe(
            b,
            op,
            op.get_attr(names[side] + "_branch"),
            op.get_attr(names[side] + "_params"),
            [results[out] for out, _ in mine],
            shapes,
            values[side],
            (),
        )
        for (out, box), s in zip(mine, found):
            if s is None:
                raise ValueError(f"Cannot determine the shape of {results[out].name} in {op.name}")
            box["value"] = np.array(s, np.int32)


def _infer_if(b, op) -> list:
    ins = op._inputs[1:]
    shapes = [b.concrete.get(t) for t in ins]
    values = [_values(b, ins, op.get_attr(w + "_params")) for w in ("else", "then")]
    bodies = []
    with _FORWARD_SHAPES if op._attrs.get("_forward_shapes") else contextlib.nullcontext():
        _forward_shapes(b, op, shapes, values)
        for side, which in enumerate(("else", "then")):
            bodies.append(
                _Body(
                    b,
                    op,
                    op.get_attr(which + "_branch"),
                    op.get_attr(which + "_params"),
                    op.get_attr(which + "_results"),
                    shapes,
                    values[side],
                    f"{'true' if which == 'then' else 'false'} branch",
                    op.get_attr(which + "_sinks"),
                )
            )
    for k, (a, c) in enumerate(zip(bodies[1].shapes, bodies[0].shapes)):
        if a != c:
            raise ValueError(
                f"{op.name} (If): output {k} has shape {a} in the true branch and {c} in the "
                "false branch; tflite_core's plans need one shape per output"
            )
    b.control[op] = bodies
    return bodies[1].shapes


def _infer_while(b, op) -> list:
    a = op._attrs
    K, C, S = a["n_vars"], a["n_captures"], a["n_sliced"]
    ins = op._inputs
    var_shapes = [None if a["zero_init"][k] else b.concrete.get(t) for k, t in enumerate(ins[:K])]
    caps = ins[K : K + C]
    stacks = ins[K + C : K + C + S]
    shapes = var_shapes + [b.concrete.get(t) for t in caps] + [_row_shape(b, t) for t in stacks]
    body_params = a["body_params"]
    results = a["body_results"]
    n_extra = len(a["extra_like"])
    acc = a["accumulate"]
    internal = [t for t in acc if t not in body_params]
    values = _values(b, caps, body_params[K : K + C])
    for k in range(K):
        if var_shapes[k] is None and a["zero_init"][k]:  # a TensorArray the body shapes
            probed = _probe(
                b, op, a["body_branch"], body_params, results, shapes, values, a["body_sinks"]
            )
            for j in range(K):
                if var_shapes[j] is None and a["zero_init"][j]:
                    if probed[j] is None:
                        raise ValueError(
                            f"{op.name}: cannot infer the element shape of TensorArray loop "
                            f"variable {j} from the loop body; give element_shape"
                        )
                    var_shapes[j] = shapes[j] = probed[j]
            break
    body = _Body(
        b,
        op,
        a["body_branch"],
        body_params,
        results + internal,
        shapes,
        values,
        "body",
        a["body_sinks"],
        owned=body_params[:K],
    )
    for k in range(K):
        if body.shapes[k] != var_shapes[k]:
            raise ValueError(
                f"Loop variable {k} of {op.name} enters the loop with shape "
                f"{var_shapes[k]} and has shape {body.shapes[k]} after an "
                "iteration: tflite_core runs a loop with fixed shapes (its shape invariant "
                "allows this, but each loop variable must keep its shape across iterations)"
            )
    cond = None
    if a["cond_branch"] is not None:
        cvals = _values(b, caps, a["cond_params"][K : K + C])
        cond = _Body(
            b,
            op,
            a["cond_branch"],
            a["cond_params"],
            [a["cond_result"]],
            shapes,
            cvals,
            "cond",
            a["cond_sinks"],
        )
    b.control[op] = (cond, body)
    # the outputs: vars | iteration count | extras | accumulated stacks
    out: list = [*list(var_shapes), ()]
    for e, like in enumerate(a["extra_like"]):
        row = tuple(body.shapes[K + e])
        rows = b.concrete.get(stacks[like])
        if rows is None:  # rows like a stack only known when it runs
            out.append(None)
            b.dynamic[op._outputs[K + 1 + e]] = row
        else:
            out.append((rows[0], *row))
    for j, t in enumerate(acc):
        if t in body_params:
            row = shapes[body_params.index(t)]
        else:
            row = body.shapes[len(results) + internal.index(t)]
        out.append(None)
        b.dynamic[op._outputs[K + 1 + n_extra + j]] = tuple(row)
    return out


def emit(b, op, outs) -> None:
    """The If or While step, with the plans ``infer`` compiled."""
    ins = [b.slot[t] for t in op._inputs]
    slots = []
    for t in op._outputs:
        if t in b.dynamic:
            row = b.dynamic[t]
            slots.append(b.core.add_dynamic(t.dtype.np, [0, *row]))
            b.slot[t] = slots[-1]
        elif t in b.fed:
            slots.append(b.scratch_buffer(t))
        else:
            slots.append(b.new_buffer(t))
    if op.type == "If":
        else_body, then_body = b.control[op]
        b.core.add_if(op.name, ins, slots, then_body.core, else_body.core)
        return
    a = op._attrs
    cond, body = b.control[op]
    params = a["body_params"]
    n_res = len(a["body_results"])
    internal = [t for t in a["accumulate"] if t not in params]
    from_param = [t in params for t in a["accumulate"]]
    index = [params.index(t) if t in params else n_res + internal.index(t) for t in a["accumulate"]]
    b.core.add_while(
        op.name,
        ins,
        slots,
        None if cond is None else cond.core,
        body.core,
        a["n_vars"],
        a["n_captures"],
        a["n_sliced"],
        a["has_max"],
        [bool(x) for x in a["slice_reverse"]],
        [bool(x) for x in a["extra_reverse"]],
        [bool(x) for x in a["zero_init"]],
        [int(x) for x in a["extra_like"]],
        from_param,
        index,
    )
