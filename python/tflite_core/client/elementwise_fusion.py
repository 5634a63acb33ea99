"""Elementwise fusion: a tree of float32 elementwise ops becomes one plan step
(``fused_elementwise``, ``cpp/elementwise_fused.cc``) that makes one pass over memory instead of
one pass per op, as TF's grappler remapper and XLA fuse them.

An op joins the step of its consumer when its output has that one reader in the plan, is
neither fetched, fed nor kept for a host op, has the consumer's shape (so that its elements
meet the consumer's one for one) and no variable update runs between the two. The step's
inputs are the tree's leaf operands: tensors of the output's shape, single values, or rows of
the output's trailing dimensions (a bias), each read once per element. It runs where the
tree's root ran; the ops inside it leave no buffers. Every instruction applies the same
per-element maths as the op's own kernel: the results are the same bits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..framework import dtypes
from ..framework.graph import Operation, Tensor
from ..framework.registry import OpKind
from .op_kinds import is_mutation

CODES = {
    "Add": 0,
    "Sub": 1,
    "Mul": 2,
    "RealDiv": 3,
    "Maximum": 4,
    "Minimum": 5,
    "Pow": 6,
    "ReluGrad": 7,
    "SigmoidGrad": 8,
    "TanhGrad": 9,
    "Neg": 16,
    "Abs": 17,
    "Relu": 18,
    "Sigmoid": 19,
    "Tanh": 20,
    "Exp": 21,
    "Log": 22,
    "Sqrt": 23,
    "Square": 24,
    "Reciprocal": 25,
    "Sign": 26,
    "Floor": 27,
}
"""The op types a step fuses and their instruction codes (``elementwise_fused.cc``: a binary
op's ``Bin``, a unary op's 16 + its ``Un``, the enums of ``elementwise_math.h``). ``AddN``
joins as a chain of adds, left to right as its kernel sums."""

MAX_OPS = 64  # instructions a step takes (the kernel's kMaxInstructions)


@dataclass
class Group:
    root: Operation  # the op whose place the step takes; its output is the step's
    inner: tuple  # the other ops of the tree, whose work the step does
    inputs: list  # the leaf operands, one register each
    program: list  # [n, (code, dst, a, b) x n]


def _elementwise(op: Operation, shape_of) -> bool:
    """Whether ``op`` is a float32 elementwise op of a known shape the step computes."""
    if op.type == "AddN":  # (left to right: a chain of adds, the kernel's order of sums)
        if op._def.kind is not OpKind.KERNEL or len(op._inputs) < 2:
            return False
    elif op.type not in CODES or op._def.kind is not OpKind.KERNEL or len(op._outputs) != 1:
        return False
    arity = len(op._inputs) if op.type == "AddN" else 2 if CODES[op.type] < 16 else 1
    if len(op._inputs) != arity or list(op._def.kernel_input_indices(op)) != list(range(arity)):
        return False
    if any(t.dtype != dtypes.float32 for t in (*op._inputs, *op._outputs)):
        return False
    try:
        out = tuple(shape_of(op._outputs[0]))
        return all(_leaf_fits(tuple(shape_of(t)), out) for t in op._inputs)
    except ValueError:  # (a shape only known at run time)
        return False


def _leaf_fits(shape, out_shape) -> bool:
    """Whether an operand of ``shape`` is the output's shape, one value, or the output's
    trailing dimensions repeated (NumPy broadcasting that the step reads as a repeated row)."""
    if math.prod(shape) == 1:
        return True
    trimmed = list(shape)
    while trimmed and trimmed[0] == 1:
        trimmed.pop(0)
    return len(trimmed) <= len(out_shape) and list(out_shape[len(out_shape) - len(trimmed) :]) == (
        trimmed
    )


def find_groups(exec_order, candidates, keep, fed, shape_of) -> dict[Operation, Group]:
    """{root: Group} for the trees of two or more ops among ``candidates`` (ops of the plan
    that no other rewrite claims); ``keep``: tensors that must have buffers of their own
    (fetched, snapshotted), ``fed``: the fed tensors."""
    in_plan = set(exec_order)
    position = {op: i for i, op in enumerate(exec_order)}
    fusable = {op for op in exec_order if op in candidates and _elementwise(op, shape_of)}
    parent: dict[Operation, Operation] = {}  # op -> the consumer whose step does its work
    for op in exec_order:
        if op not in fusable:
            continue
        t = op._outputs[0]
        if t in keep or t in fed:
            continue
        readers = [c for c in t._consumers if c in in_plan]
        if len(readers) != 1 or readers[0] not in fusable:
            continue
        c = readers[0]
        if tuple(shape_of(t)) != tuple(shape_of(c._outputs[0])):
            continue
        between = exec_order[position[op] + 1 : position[c]]
        if any(is_mutation(o) for o in between):
            continue
        parent[op] = c
    groups: dict[Operation, Group] = {}
    for root in exec_order:
        if root not in fusable or root in parent:
            continue
        group = _build(root, parent, shape_of)
        if group is not None:
            groups[root] = group
    return groups


def _build(root: Operation, parent, shape_of) -> Group | None:
    """The root's tree as a program, or None (a tree of one op, or one that does not fit)."""
    out_shape = tuple(shape_of(root._outputs[0]))
    inputs: list[Tensor] = []
    register: dict[Tensor, int] = {}
    instructions: list[tuple] = []
    inner: list[Operation] = []

    def leaf(t: Tensor) -> int | None:
        if t not in register:
            if not _leaf_fits(tuple(shape_of(t)), out_shape):
                return None
            register[t] = len(inputs)
            inputs.append(t)
        return register[t]

    done: dict[Operation, int] = {}

    def visit(op: Operation) -> int | None:
        """The register of ``op``'s result (instructions appended for its subtree)."""
        if op in done:
            return done[op]
        regs = []
        for t in op._inputs:
            r = visit(t.op) if parent.get(t.op) is op else leaf(t)
            if r is None:
                return None
            regs.append(r)
        if op is not root:
            inner.append(op)
        if op.type == "AddN":
            acc = regs[0]
            for r in regs[1:]:
                instructions.append((CODES["Add"], acc, r, 0))
                acc = -len(instructions)
        else:
            instructions.append((CODES[op.type], *regs, *([0] * (3 - len(regs)))))
        done[op] = -len(instructions)  # (instruction k's register, numbered once inputs are known)
        return done[op]

    if visit(root) is None or not inner or len(instructions) > MAX_OPS:
        return None
    n_in = len(inputs)

    def reg(r: int) -> int:  # -k: the k-th instruction's register
        return n_in + (-r - 1) if r < 0 else r

    program = [len(instructions)]
    for k, (code, a, b, _) in enumerate(instructions):
        program += [code, n_in + k, reg(a), reg(b) if code < 16 else 0]
    return Group(root, tuple(inner), inputs, program)
