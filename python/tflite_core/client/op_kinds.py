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
    idx = d.kernel_inputs if d.kernel_inputs is not None else range(len(op._inputs))
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
