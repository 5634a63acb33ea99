"""The fused elementwise step (``cpp/elementwise_fused.cc``): a program of float32 elementwise
instructions over registers.

``ints = [n, (code, dst, a, b) x n]``: registers 0..nin-1 are the inputs (each of the output's
size, one value, or a row of the output's trailing dimensions repeated), instruction k writes
register nin + k from registers a (and b, for the binary codes below 16) written before it; the
last instruction's register is the output. Each code applies the op of the same name in
``elementwise`` (``_BINARY``, ``_UNARY``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from .elementwise import _BINARY, _UNARY
from .registry import KernelError, _kernel

_BINARY_CODES = [
    "add",
    "sub",
    "mul",
    "div",
    "maximum",
    "minimum",
    "pow",
    "relu_grad",
    "sigmoid_grad",
    "tanh_grad",
]
_UNARY_CODES = [
    "neg",
    "abs",
    "relu",
    "sigmoid",
    "tanh",
    "exp",
    "log",
    "sqrt",
    "square",
    "reciprocal",
    "sign",
    "floor",
]
FIRST_UNARY = 16
MAX_INSTRUCTIONS = 64


def _program(ints, nin: int) -> list[tuple[int, int, int, int]]:
    op = "FusedElementwise"
    n = ints[0] if ints else 0
    if not 1 <= n <= MAX_INSTRUCTIONS or len(ints) != 1 + 4 * n:
        raise KernelError(
            f"[{op}] bad program: expected 1 to {MAX_INSTRUCTIONS} instructions of 4 ints"
        )
    prog = []
    for i in range(n):
        code, dst, a, b = (int(v) for v in ints[1 + 4 * i : 5 + 4 * i])
        defined = nin + i
        binary = 0 <= code < len(_BINARY_CODES)
        if not (binary or 0 <= code - FIRST_UNARY < len(_UNARY_CODES)):
            raise KernelError(f"[{op}] instruction {i}: unknown code {code}")
        if dst != defined:
            raise KernelError(f"[{op}] instruction {i} must write register {defined}")
        if not 0 <= a < defined or (binary and not 0 <= b < defined):
            raise KernelError(f"[{op}] instruction {i} reads a register not yet written")
        prog.append((code, dst, a, b))
    return prog


@_kernel("fused_elementwise")
def fused_elementwise(inputs, outputs, ints, floats):
    op = "FusedElementwise"
    if len(inputs) < 1 or len(outputs) != 1:
        raise KernelError(
            f"[{op}] expects at least 1 input and 1 output, got {len(inputs)} and {len(outputs)}"
        )
    prog = _program(list(ints), len(inputs))
    out = outputs[0]
    if out.dtype != np.float32:
        raise KernelError(f"[{op}] unsupported dtype {out.dtype}")
    n = out.size
    regs = []
    for i, x in enumerate(inputs):
        if x.dtype != np.float32:
            raise KernelError(f"[{op}] input {i} has dtype {x.dtype}, expected float32")
        if n > 0 and (x.size < 1 or n % x.size):
            raise KernelError(
                f"[{op}] input {i} has {x.size} elements, which do not tile the output's {n}"
            )
        regs.append(np.resize(x.reshape(-1), n) if n else x.reshape(-1)[:0])
    if n == 0:
        return
    with np.errstate(all="ignore"):
        for code, _, a, b in prog:
            if code < FIRST_UNARY:
                binary = cast(Callable[..., Any], _BINARY[_BINARY_CODES[code]])
                r = binary(regs[a], regs[b])
            else:
                unary = cast(Callable[..., Any], _UNARY[_UNARY_CODES[code - FIRST_UNARY]])
                r = unary(regs[a])
            regs.append(np.asarray(r, np.float32))
    out.reshape(-1)[...] = regs[-1]
