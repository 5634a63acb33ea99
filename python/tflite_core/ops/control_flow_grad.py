"""Gradients of ``If`` and ``While``, built inside their function bodies.

If: the gradient ops of each branch are built into that branch's body (``tf.gradients`` of its
results with respect to its params, given the incoming gradients as new params); a second If on
the same predicate runs the branch that ran forward, recomputing what it needs.

While: the gradient ops of one iteration are built into the body. Every value of the forward body
that they read is accumulated by the forward loop (one row per iteration: the loop variables an
iteration starts from, or values the body computes), and a gradient loop walks the iterations
backwards (as many as the forward loop ran), reading those rows, carrying the loop variables'
gradients and summing the gradients of captured tensors. It is itself a While, so it can be
differentiated again (a second-order gradient through a loop). A captured weight whose gradient
in one iteration is ``rows^T @ delta`` (a dense layer's kernel in an RNN cell) is summed after the
gradient loop instead, as one product over every iteration's rows (``LoopProductSum``).
"""

from __future__ import annotations

from ..framework import dtypes as _dt
from ..framework.graph import Tensor, name_scope
from ..framework.op_util import make_tensor, same_shape
from ..framework.registry import NotDifferentiable, OpKind, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import identity, zeros, zeros_like
from .cond import make_if
from .gradients import gradients
from .indexing_ops import IndexedSlices
from .math_ops import add, matmul
from .tensor_array_ops import add_rows
from .while_loop import add_accumulator, is_dynamic, make_while, new_body


def _dense(g):
    return g._to_dense() if isinstance(g, IndexedSlices) else g


register_op("LoopAccumulate", same_shape, "add", inplace=0)


@RegisterGradient("LoopAccumulate")
def _loop_accumulate_grad(op, grad):
    return [grad, grad]


def accumulate_into(total: Tensor, g):
    """``total + g`` into ``total``'s buffer (a gradient loop's running sum of a captured
    tensor's gradient); a sparse ``g`` (rows a read or a gather touched) adds those rows only."""
    if g is None:
        return total
    if isinstance(g, IndexedSlices) and g.values.shape.rank:
        return add_rows(total, g.indices, g.values)
    g = _dense(g)
    if g.shape.is_compatible_with(total.shape) and g.dtype == total.dtype:
        return make_tensor("LoopAccumulate", [total, g], total.dtype, None, "LoopAccumulate")
    return add(total, g)


def _product_sum_shape(op, in_shapes, value_of):
    p, q = op._inputs[0].shape, op._inputs[1].shape  # (the stacks' rows are known when it runs)
    return [TensorShape([p[2] if p.rank == 3 else None, q[2] if q.rank == 3 else None])]


# sum over t of P[t]^T @ Q[t] for the stacks P [T, k, m], Q [T, k, n] a gradient loop accumulates
# (input 2: the loop's iteration count, T, which the gradient's loop runs for)
register_op("LoopProductSum", _product_sum_shape, "loop_product_sum", kernel_inputs=slice(0, 2))


@RegisterGradient("LoopProductSum")
def _loop_product_sum_grad(op, grad):
    """A loop over the stacks' rows: dP[t] = Q[t] @ G^T, dQ[t] = P[t] @ G."""
    p, q, count = op._inputs
    body = new_body(f"{op.name}_grad", op.graph)
    with body.as_default():
        p_row = body.add_param(p.dtype, p.shape[1:], "p_row")
        q_row = body.add_param(q.dtype, q.shape[1:], "q_row")
        g = body._capture(grad)
        dp = matmul(q_row, g, transpose_b=True)
        dq = matmul(p_row, g)
    loop = make_while(
        f"{op.name}_grad",
        [],
        None,
        None,
        body,
        [],
        [],
        sliced=([p, q], [p_row, q_row], [False, False]),
        extra=([dp, dq], [0, 1], [False, False]),
        max_iterations=count,
        outer=op.graph,
        body_sinks=[],
    )
    return [loop._outputs[1], loop._outputs[2], None]


def _floating(t: Tensor) -> bool:
    return t.dtype.is_floating


def _deferrable_product(d, since: int):
    """``(P, Q)`` where a captured tensor's gradient in one iteration is ``P^T @ Q`` (a fresh
    MatMul of the gradient ops, both operands matrices with static sizes) and summing it over
    the iterations is cheaper as one product after the loop, ``concat(P_i)^T @ concat(Q_i)``:
    each iteration's product rewrites the whole m x n sum, while the rows it would stack
    instead are k x (m + n). A dense layer's kernel inside a loop (an RNN cell's) is such a
    gradient; its per-iteration products have k = the batch rows, too few to run fast."""
    if not isinstance(d, Tensor) or d.op.type != "MatMul" or d.op._id <= since or d._consumers:
        return None
    if not d.op.get_attr("transpose_a") or d.op.get_attr("transpose_b"):
        return None
    p, q = d.op._inputs
    if p.shape.rank != 2 or q.shape.rank != 2:
        return None
    (k, m), (k2, n) = p.shape.as_list(), q.shape.as_list()
    if k is None or m is None or n is None or k2 != k or k * (m + n) > m * n:
        return None
    return p, q


# ---- If ------------------------------------------------------------------------------------------
@RegisterGradient("If")
def _if_grad(op, *grads):
    ins = op._inputs[1:]
    wanted = [k for k, t in enumerate(ins) if _floating(t)]
    outs = [j for j, t in enumerate(op._outputs) if _floating(t) and grads[j] is not None]
    if not wanted or not outs:
        return [None] * len(op._inputs)
    branches: list = []
    results: list = []
    params: list = []
    found: set[int] = set()
    since: list[int] = []
    for which in ("else", "then"):
        g = op.get_attr(which + "_branch")
        ps = op.get_attr(which + "_params")
        res = op.get_attr(which + "_results")
        since.append(g.outermost()._last_id)  # (ids: one counter per graph tree)
        with g.as_default(), name_scope(f"{op.name.replace('/', '_')}_grad"):
            gy = [g.add_param(res[j].dtype, res[j].shape, f"grad_{j}") for j in outs]
            d = gradients([res[j] for j in outs], [ps[k] for k in wanted], grad_ys=gy)
        branches.append(g)
        results.append(d)
        params.append(gy)
        found.update(i for i, x in enumerate(d) if x is not None)
    keep = sorted(found)
    flat = []
    for g, d, which in zip(branches, results, ("else", "then")):
        ps = op.get_attr(which + "_params")
        with g.as_default():
            flat.append(
                [_dense(d[i]) if d[i] is not None else zeros_like(ps[wanted[i]]) for i in keep]
            )
    if not keep:
        return [None] * len(op._inputs)
    gin = [grads[j] for j in outs]
    extra_params, extra_inputs = _reuse_forward_values(op, branches, since)
    for i in range(2):
        params[i] = params[i] + extra_params[i]
    gin += extra_inputs
    grad_op = make_if(
        op._inputs[0],
        branches,
        flat,
        op.name + "_grad",
        params=params,
        inputs=gin,
        then_sinks=[],
        else_sinks=[],
    )
    out = [None] * len(op._inputs)
    for i, k in enumerate(keep):
        out[1 + wanted[k]] = grad_op._outputs[i]
    return out


def _exportable(t: Tensor, params: set) -> bool:
    """A forward value of a branch worth handing to the gradient as an If output instead of
    recomputing it there: computed by the branch (not a param, constant or shape value) with a
    known rank (the other branch gives zeros of its shape: static, or the one the plan finds)."""
    if t in params or t.op._def.kind in (OpKind.CONST, OpKind.SHAPE, OpKind.PLACEHOLDER):
        return False
    if is_dynamic(t):  # (a loop's stack: its rows are known only as the loop runs)
        return False
    return t.shape.rank is not None and t.dtype in _dt.KERNEL_DTYPES


def _reuse_forward_values(op, branches: list, since: list[int]) -> tuple[list, list]:
    """Values of each branch that its gradient ops (made after op id ``since``) read, made
    outputs of the forward If ``op`` (the other branch gives zeros of the same shape, as TF's
    cond_v2 adds intermediates to the forward If's outputs), so the gradient If reads them
    instead of running the forward branch again (a batch norm's statistics, a dropout mask).
    Returns the gradient bodies' new params ([else, then]) and the forward outputs they take."""
    found: list[list[Tensor]] = []
    for g, which, first in zip(branches, ("else", "then"), since):
        params = set(op.get_attr(which + "_params"))
        grad_ops = [o for o in g.get_operations() if o._id > first]
        ts: list[Tensor] = []
        for o in grad_ops:
            for t in o._inputs:
                if t.op._id <= first and t not in ts and _exportable(t, params):
                    ts.append(t)
        found.append(ts)
    if not found[0] and not found[1]:
        return [[], []], []
    exported = op._attrs.setdefault("_exported", {})
    new_params: list[list[Tensor]] = [[], []]
    inputs: list[Tensor] = []
    for side, ts in enumerate(found):
        for t in ts:
            if t not in exported:
                exported[t] = _add_if_output(op, side, t)
            inputs.append(op._outputs[exported[t]])
            for k, g in enumerate(branches):
                p = g.add_param(t.dtype, t.shape, "forward_" + t.op.name.replace("/", "_"))
                new_params[k].append(p)
                if k == side:
                    _rewire(g, since[k], t, p)
    return new_params, inputs


def _add_if_output(op, side: int, t: Tensor) -> int:
    """Adds forward value ``t`` of branch ``side`` (0 else, 1 then) as a new output of If ``op``;
    the other branch gives zeros of its shape. Returns the output's index."""
    names = ("else", "then")
    index = len(op._outputs)
    for k in range(2):
        g = op.get_attr(names[k] + "_branch")
        res = list(op.get_attr(names[k] + "_results"))
        if k == side:
            res.append(t)
        else:
            fixed = t.shape.is_fully_defined()
            shape = t.shape if fixed else _shape_stand_in(op, side, t, index, g)
            with g.as_default(), g.control_dependencies(None):
                res.append(zeros(shape, t.dtype, name="forward_unused"))
        op._attrs[names[k] + "_results"] = res
    op._attrs["Tout"] = [*op._attrs["Tout"], t.dtype]
    out = Tensor(op, index, t.dtype, t.shape)
    op._outputs.append(out)
    return index


def _forward_shape_value(op, in_shapes, value_of):
    return op._attrs["_box"].get("value")  # (None while the graph is built)


# The concrete shape of a forward value that one branch of an If hands to the gradient, in the
# other branch (whose zeros must match it): the plan compiler probes the branch that computes
# the value and puts its shape into the op's box before it compiles the bodies.
register_op(
    "ForwardShape",
    lambda op, in_shapes, value_of: [TensorShape([op.get_attr("rank")])],
    kind=OpKind.SHAPE,
    value_fn=_forward_shape_value,
)
NotDifferentiable("ForwardShape")


def _shape_stand_in(op, side: int, t: Tensor, index: int, g) -> Tensor:
    """In the branch other than ``side``: an int32 vector that the plan compiler sets to the
    concrete shape of ``t`` (output ``index`` of If ``op``), recorded in the op's
    ``_forward_shapes`` (output index -> (side, box))."""
    box: dict = {}
    with g.as_default(), g.control_dependencies(None):
        shape = make_tensor(
            "ForwardShape", [], _dt.int32, {"rank": t.shape.rank, "_box": box}, "forward_shape"
        )
    op._attrs.setdefault("_forward_shapes", {})[index] = (side, box)
    return shape


def _rewire_one(o, i: int, p: Tensor) -> None:
    t = o._inputs[i]
    o._inputs[i] = p
    t._consumers.remove(o)
    p._consumers.append(o)


def _rewire(g, since: int, t: Tensor, p: Tensor) -> None:
    """Makes the ops of body ``g`` made after op id ``since`` read ``p`` where they read ``t``."""
    for o in g.get_operations():
        if o._id <= since or o is p.op:
            continue
        for i, x in enumerate(o._inputs):
            if x is t:
                _rewire_one(o, i, p)


# ---- While ---------------------------------------------------------------------------------------
def _forward_reads(g, since: int, grad_ops: list) -> list:
    """Tensors of body ``g`` made before op id ``since`` (the forward body) that the gradient ops
    read, less those a plan computes from shapes alone (constants, shape values). A stack that
    a nested loop accumulates has rows only known when it runs: the nested loop runs again in
    the gradient loop instead, from its own inputs."""
    seen, out = set(), []
    todo = [t for o in grad_ops for t in o._inputs]
    while todo:
        t = todo.pop(0)
        if t.op._id > since or t in seen:
            continue
        seen.add(t)
        if t.op._def.kind in (OpKind.CONST, OpKind.SHAPE):
            continue
        if is_dynamic(t):
            todo.extend(t.op._inputs)
            continue
        out.append(t)
    return out


@RegisterGradient("While")
def _while_grad(op, *grads):
    a = op._attrs
    n_in = len(op._inputs)
    if not a["back_prop"]:
        return [None] * n_in
    K, C, S = a["n_vars"], a["n_captures"], a["n_sliced"]
    E = len(a["extra_like"])
    g = a["body_branch"]
    params, results = a["body_params"], a["body_results"]
    px, pc, ps = params[:K], params[K : K + C], params[K + C : K + C + S]
    rx, re = results[:K], results[K : K + E]
    acc = list(a["accumulate"])
    g_vars = list(grads[:K])
    g_extra = list(grads[K + 1 : K + 1 + E])
    g_acc = list(grads[K + 1 + E :])
    fx = [k for k in range(K) if _floating(px[k])]
    fc = [c for c in range(C) if _floating(pc[c])]
    fs = [s for s in range(S) if _floating(ps[s])]
    fe = [e for e in range(E) if g_extra[e] is not None and _floating(re[e])]
    fa = [j for j in range(len(acc)) if g_acc[j] is not None and _floating(acc[j])]
    if not fx and not fc and not fs:
        return [None] * n_in
    if all(g_vars[k] is None for k in fx) and not fe and not fa:
        return [None] * n_in
    since = g.outermost()._last_id
    with g.as_default(), name_scope(f"{op.name.replace('/', '_')}_grad"):
        gx_in = [g.add_param(px[k].dtype, px[k].shape, f"grad_var_{k}") for k in fx]
        ge_in = [g.add_param(re[e].dtype, re[e].shape, f"grad_extra_{e}") for e in fe]
        ga_in = [g.add_param(acc[j].dtype, acc[j].shape, f"grad_acc_{j}") for j in fa]
        ys = [rx[k] for k in fx] + [re[e] for e in fe]
        grad_ys = list(gx_in) + list(ge_in)
        for j, gin in zip(fa, ga_in):  # an accumulated internal value gets its row's gradient
            if acc[j] not in params:
                ys.append(acc[j])
                grad_ys.append(gin)
        xs = [px[k] for k in fx] + [pc[c] for c in fc] + [ps[s] for s in fs]
        # params that are values the body computes (rows a gradient loop reads) are leaves: the
        # plan feeds them, they do not depend on the other params there
        leaves = [t for t in xs if t.op.type != "Placeholder"]
        d = gradients(ys, xs, grad_ys=grad_ys, stop_gradients=leaves)
        dx, dc, ds = d[: len(fx)], d[len(fx) : len(fx) + len(fc)], d[len(fx) + len(fc) :]
        new_gx = []
        for i, k in enumerate(fx):
            v = _dense(dx[i]) if dx[i] is not None else zeros_like(px[k])
            for j, gin in zip(fa, ga_in):  # an accumulated loop var: its row's gradient too
                if acc[j] is px[k]:
                    v = add(v, gin)
            new_gx.append(v)
        # captured tensors whose gradient is one product after the loop instead of a sum in it
        deferred = {i: pq for i in range(len(fc)) if (pq := _deferrable_product(dc[i], since))}
        looped = [i for i in range(len(fc)) if i not in deferred]
        gc_in = [
            g.add_param(pc[fc[i]].dtype, pc[fc[i]].shape, f"grad_capture_{fc[i]}") for i in looped
        ]
        new_gc = [accumulate_into(gc_in[j], dc[i]) for j, i in enumerate(looped)]
        new_ds = [
            _dense(ds[i]) if ds[i] is not None else zeros_like(ps[s]) for i, s in enumerate(fs)
        ]
    grad_ops = [o for o in g.get_operations() if o._id > since]
    reads = [t for t in _forward_reads(g, since, grad_ops) if t not in pc and t not in ps]
    # the gradient loop: vars = the carried gradients; rows = what the forward loop accumulated,
    # the forward sliced inputs, and the incoming gradients of its extra and accumulated outputs
    stacks, rows, rev = [], [], []
    for t in reads:
        stacks.append(add_accumulator(op, t))
        rows.append(t)
        rev.append(True)
    for s in range(S):
        stacks.append(op._inputs[K + C + s])
        rows.append(ps[s])
        rev.append(not a["slice_reverse"][s])
    for e, gin in zip(fe, ge_in):
        stacks.append(g_extra[e])
        rows.append(gin)
        rev.append(not a["extra_reverse"][e])
    for j, gin in zip(fa, ga_in):
        stacks.append(g_acc[j])
        rows.append(gin)
        rev.append(True)
    init = [g_vars[k] if g_vars[k] is not None else zeros_like(op._outputs[k]) for k in fx]
    init += [zeros_like(op._inputs[K + fc[i]]) for i in looped]
    # the gradient of sliced input s takes its rows from that stack (after the accumulated rows)
    extra_like = [len(reads) + s for s in fs]
    grad_op = make_while(
        op.name + "_grad",
        init,
        None,
        None,
        g,
        list(gx_in) + list(gc_in),
        new_gx + new_gc,
        sliced=(stacks, rows, rev),
        extra=(new_ds, extra_like, [not a["slice_reverse"][s] for s in fs]),
        max_iterations=op._outputs[K],
        outer=op.graph,
        body_sinks=[],
    )
    out: list = [None] * n_in
    for i, k in enumerate(fx):
        out[k] = grad_op._outputs[i]
    for j, i in enumerate(looped):
        out[K + fc[i]] = grad_op._outputs[len(fx) + j]
    n_vars = len(fx) + len(looped)
    for i, pq in deferred.items():
        with g.as_default(), name_scope(f"{op.name.replace('/', '_')}_grad"):
            # copies are what the loop accumulates: a stack of each product's own (a stack two
            # products read would sum their second-order gradients, rows only known when the
            # loop runs), and a param's rows get their gradient where the body computes them
            rows = [identity(t) for t in pq]
        stacks = [add_accumulator(grad_op, t) for t in rows]
        out[K + fc[i]] = make_tensor(
            "LoopProductSum",
            [*stacks, grad_op._outputs[n_vars]],
            rows[0].dtype,
            None,
            f"{op.name}_grad_product_sum",
        )
    for i, s in enumerate(fs):
        out[K + C + s] = grad_op._outputs[n_vars + 1 + i]
    return out
