"""What the Session needs to know of an op from its kind (``OpKind``): the inputs it needs
computed first, the variables it writes, and whether its output may share a variable's buffer."""

from __future__ import annotations

from ..framework.graph import Operation, Tensor
from ..framework.registry import OpKind

MAX_RANK = 8  # the C++ core's kMaxDims

_NO_EXEC_INPUTS = (OpKind.CONST, OpKind.PLACEHOLDER, OpKind.VARIABLE, OpKind.NOOP, OpKind.SHAPE)


def is_mutation(op: Operation) -> bool:
    """Whether ``op`` writes variables in place (an assignment or an optimiser update)."""
    return op._def.kind is OpKind.ASSIGN


def refs(op: Operation) -> list:
    """The variables an ASSIGN op writes in place: its first ``OpDef.refs`` inputs (1 for an
    assignment; an optimiser update also writes its slots)."""
    return op._inputs[: op._def.refs]


def is_string_const(op: Operation) -> bool:
    return op._def.kind is OpKind.CONST and op._outputs[0].dtype.np.kind == "O"


def exec_inputs(op: Operation) -> list:
    """The input tensors an op needs computed before it runs."""
    d = op._def
    if d.kind in _NO_EXEC_INPUTS:
        return []  # (a random op's kernel_inputs are computed: the candidate sampler's classes)
    if d.kind is OpKind.ALIAS:
        return [op._inputs[0]]
    idx = d.kernel_input_indices(op)
    ins = [op._inputs[i] for i in idx]
    if d.kind is OpKind.ASSIGN:
        ins = refs(op) + ins
    return ins


def aliases_variable(t: Tensor, var_op: Operation) -> bool:
    """Whether ``t`` may share ``var_op``'s buffer (through alias ops such as ``w/read``)."""
    while True:
        d = t.op._def
        if t.op is var_op:
            return True
        if d.kind is OpKind.ALIAS or d.alias_if is not None:
            t = t.op._inputs[0]
            continue
        return False


def foldable(op: Operation) -> bool:
    """Whether the compile step may compute ``op``'s outputs once, from its inputs' known values
    (a pure kernel or an alias; not a random op, a variable, an update or a placeholder)."""
    d = op._def
    if d.stateful:
        return False
    return d.kind is OpKind.ALIAS or (d.kind is OpKind.KERNEL and d.kernel is not None)


def resolvable(t: Tensor, fed, memo: dict) -> bool:
    """Whether ``t``'s value is known when a plan compiles: fed, a constant, a shape value, or
    computed by foldable ops from such values."""
    r = memo.get(t)
    if r is None:
        memo[t] = False  # (a cycle cannot be folded)
        op = t.op
        d = op._def
        if t in fed or d.kind is OpKind.CONST:
            r = True
        elif d.kind is OpKind.SHAPE:
            r = all(resolvable(op._inputs[i], fed, memo) for i in d.value_input_indices(op))
        elif d.kind is OpKind.ALIAS and not d.stateful:
            r = all(resolvable(op._inputs[i], fed, memo) for i in (0, *d.value_input_indices(op)))
        elif foldable(op):
            r = all(resolvable(i, fed, memo) for i in op._inputs)
        else:
            r = False
        memo[t] = r
    return r


def value_sources(shape_order, fed) -> tuple[list, set]:
    """What the values that decide shapes (``OpDef.value_inputs``) come from: ``(runtime,
    fed_used)``. ``runtime``: such tensors only known when the graph runs (a variable's value, an
    op of a random value, ...): a pre-plan computes them each run and the plan is compiled for
    their values. ``fed_used``: the fed tensors the others are folded from (their values become
    part of the plan's key)."""
    memo: dict = {}
    runtime: list = []
    fed_used: set = set()
    seen: set = set()
    for op in shape_order:
        for i in op._def.value_input_indices(op):
            t = op._inputs[i]
            if t in runtime:
                continue
            if not resolvable(t, fed, memo):
                runtime.append(t)
                continue
            stack = [t]
            while stack:  # the fed tensors this value is folded from
                u = stack.pop()
                if u in seen:
                    continue
                seen.add(u)
                if u in fed:
                    fed_used.add(u)
                elif u.op._def.kind is OpKind.SHAPE:
                    stack.extend(u.op._inputs[i] for i in u.op._def.value_input_indices(u.op))
                elif u.op._def.kind is not OpKind.CONST:
                    stack.extend(u.op._inputs)
    return runtime, fed_used
