"""Files as string tensors: ``tf.io.read_file`` (ReadFile), ``tf.io.write_file`` (WriteFile) and
``tf.io.matching_files`` (MatchingFiles), host ops run when the graph runs (TF's NotFoundError
naming a missing file)."""

from __future__ import annotations

import glob
import os
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape


def _path(op: Operation, value: Any) -> str:
    v = np.asarray(value, dtype=object)
    if v.ndim != 0:
        raise errors.InvalidArgumentError(
            None, op, f"Input filename tensor must be scalar, but had shape: {list(v.shape)}"
        )
    p = v[()]
    return p.decode("utf-8", "surrogateescape") if isinstance(p, bytes) else str(p)


def _read_file(op: Operation, filename: Any) -> list:
    path = _path(op, filename)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, op, f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, op, f"{path}; Is a directory") from None
    except OSError as e:
        raise errors.PermissionDeniedError(None, op, f"{path}; {e.strerror}") from None
    return [np.array(data, dtype=object)]


def _write_file(op: Operation, filename: Any, contents: Any) -> list:
    path = _path(op, filename)
    data = np.asarray(contents, dtype=object)
    if data.ndim != 0:
        raise errors.InvalidArgumentError(
            None, op, f"Contents tensor must be scalar, but had shape: {list(data.shape)}"
        )
    parent = os.path.dirname(path)
    try:
        if parent:
            os.makedirs(parent, exist_ok=True)  # (as TF's WriteFile: it creates the directory)
        with open(path, "wb") as f:
            f.write(bytes(data[()]))
    except OSError as e:
        raise errors.PermissionDeniedError(None, op, f"{path}; {e.strerror}") from None
    return []


def _matching_files(op: Operation, pattern: Any) -> list:
    pats = np.asarray(pattern, dtype=object)
    if pats.ndim > 1:
        raise errors.InvalidArgumentError(
            None, op, f"Input pattern tensor must be scalar or vector, but had shape: {pats.shape}"
        )
    found: list[bytes] = []
    for p in pats.reshape(-1):
        text = p.decode("utf-8", "surrogateescape") if isinstance(p, bytes) else str(p)
        found += sorted(os.fsencode(f) for f in glob.glob(text))
    return [np.array(found, dtype=object).reshape(-1)]


def _scalar_string(op: Operation, in_shapes: list, value_of) -> list:
    return [TensorShape([])]


register_op("ReadFile", _scalar_string, kind=OpKind.HOST, host_fn=_read_file, stateful=True)
register_op("WriteFile", lambda op, s, v: [], kind=OpKind.HOST, host_fn=_write_file, stateful=True)
register_op(
    "MatchingFiles",
    lambda op, s, v: [TensorShape([None])],
    kind=OpKind.HOST,
    host_fn=_matching_files,
    stateful=True,
)
for _t in ("ReadFile", "WriteFile", "MatchingFiles"):
    NotDifferentiable(_t)


def read_file(filename: Any, name: str | None = None) -> Any:
    """The contents of the file ``filename`` (a scalar string) as a scalar string."""
    g = graph_of(filename)
    with g.as_default(), name_scope(name, "ReadFile", [filename]) as scope:
        t = convert_to_tensor(filename, dtype=_dt.string, name="filename")
        return g.create_op("ReadFile", [t], [_dt.string], {}, scope).outputs[0]


def write_file(filename: Any, contents: Any, name: str | None = None) -> Operation:
    """Writes ``contents`` (a scalar string) to ``filename`` when run; returns the op."""
    g = graph_of(filename, contents)
    with g.as_default(), name_scope(name, "WriteFile", [filename, contents]) as scope:
        f = convert_to_tensor(filename, dtype=_dt.string, name="filename")
        c = convert_to_tensor(contents, dtype=_dt.string, name="contents")
        return g.create_op("WriteFile", [f, c], [], {}, scope)


def matching_files(pattern: Any, name: str | None = None) -> Any:
    """The sorted file names matching the glob ``pattern`` (a string or a vector of them)."""
    g = graph_of(pattern)
    with g.as_default(), name_scope(name, "MatchingFiles", [pattern]) as scope:
        t = convert_to_tensor(pattern, dtype=_dt.string, name="pattern")
        return g.create_op("MatchingFiles", [t], [_dt.string], {}, scope).outputs[0]
