"""``tf.train.VocabInfo`` and the vocabulary remapping of ``tf.train.warm_start``: a variable
whose rows (``axis=0``) or columns (``axis=1``) follow a vocabulary file is initialised from a
checkpoint tensor laid out by another vocabulary file, entry by entry (TF's
``GenerateVocabRemapping`` + ``LoadAndRemapMatrix``).

Each entry of the first ``new_vocab_size`` lines of ``new_vocab`` takes the checkpoint's row
(column) of the same line in ``old_vocab`` (its first ``old_vocab_size`` lines; -1: all); the
cells of entries missing there take, in row-major order, the values of
``backup_initializer([number missing, 1])`` (zeros by default), and ``num_oov_buckets`` more
rows (columns) at the end take ``backup_initializer`` values too. The checkpoint and the files
are read when ``warm_start`` is called (TF reads them when the initializer runs); the backup
initializer runs with the variable's initializer. 2-D float32 variables, as in TF.
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from ..framework.constant_op import constant
from ..ops.array_ops import concat, reshape
from ..ops.indexing_ops import gather, where
from ..ops.init_ops import zeros_initializer
from ..ops.variables import Variable, assign
from .checkpoint_utils import _checkpoint_filename, load_checkpoint


class VocabInfo(
    collections.namedtuple(
        "VocabInfo",
        [
            "new_vocab",
            "new_vocab_size",
            "num_oov_buckets",
            "old_vocab",
            "old_vocab_size",
            "backup_initializer",
            "axis",
        ],
    )
):
    """How to remap a variable along ``axis`` (0: rows, 1: columns) from ``old_vocab`` to
    ``new_vocab`` (files of one entry per line)."""

    __slots__ = ()

    def __new__(
        cls,
        new_vocab: str,
        new_vocab_size: int,
        num_oov_buckets: int,
        old_vocab: str,
        old_vocab_size: int = -1,
        backup_initializer: Any = None,
        axis: int = 0,
    ) -> VocabInfo:
        if axis not in (0, 1):
            raise ValueError(
                "The only supported values for the axis argument are 0 and 1.  Provided axis: "
                f"{axis}"
            )
        return super().__new__(
            cls,
            new_vocab,
            new_vocab_size,
            num_oov_buckets,
            old_vocab,
            old_vocab_size,
            backup_initializer,
            axis,
        )


def _read_vocab(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def _remapping(new_file: str, old_file: str, num_new: int, old_size: int = -1) -> np.ndarray:
    """For each of the first ``num_new`` entries of ``new_file``: its line in ``old_file``
    (its first ``old_size`` lines), or -1."""
    old = _read_vocab(old_file)
    if old_size >= 0:
        old = old[:old_size]
    where_old = {token: i for i, token in enumerate(old)}
    new = _read_vocab(new_file)[:num_new]
    if len(new) < num_new:
        raise ValueError(
            f"Number of new vocab entries requested ({num_new}) exceeds the {len(new)} lines of "
            f"{new_file}"
        )
    return np.array([where_old.get(token, -1) for token in new], np.int64)


def warm_start_with_vocab(var: Variable, prev_ckpt: str, prev_tensor_name: str, info: Any):
    """Sets ``var``'s initializer to its remapped checkpoint value (see the module docstring)."""
    if not (info.new_vocab and info.new_vocab_size and prev_ckpt and info.old_vocab):
        raise ValueError(
            "Invalid args: Must provide all of [current_vocab_path, current_vocab_size, "
            "prev_ckpt, prev_vocab_path}."
        )
    dims = var.shape.as_list()
    if len(dims) != 2 or None in dims:
        raise ValueError(f"Expected 2-dim shape, but received: {dims}")
    shape = [int(d or 0) for d in dims]
    initializer = info.backup_initializer or zeros_initializer()
    if info.axis == 0:
        rows = _remapping(info.new_vocab, info.old_vocab, info.new_vocab_size, info.old_vocab_size)
        cols = np.arange(shape[1], dtype=np.int64)
        row_oov, col_oov = info.num_oov_buckets, 0
    else:
        rows = np.arange(shape[0], dtype=np.int64)
        cols = _remapping(info.new_vocab, info.old_vocab, info.new_vocab_size)
        row_oov, col_oov = 0, info.num_oov_buckets
    if shape[1] != len(cols) + col_oov:
        raise ValueError(
            f"Expected 2nd dim of shape to be new_col_vocab_size ({len(cols)}) + "
            f"num_col_oov_buckets ({col_oov}) = {len(cols) + col_oov}, but received shape: "
            f"{shape}"
        )
    if shape[0] != len(rows) + row_oov:
        raise ValueError(
            f"Expected 1st dim of shape to be new_row_vocab_size ({len(rows)}) + "
            f"num_row_oov_buckets ({row_oov}), but received shape: {shape}"
        )
    old = load_checkpoint(_checkpoint_filename(prev_ckpt)).get_tensor(prev_tensor_name)
    present = (rows[:, None] >= 0) & (cols[None, :] >= 0)
    loaded = np.zeros(present.shape, np.float32)
    loaded[present] = old[np.broadcast_to(rows[:, None], present.shape)[present],
                          np.broadcast_to(cols[None, :], present.shape)[present]]  # fmt: skip
    missing = int((~present).sum())
    graph = var.graph
    with graph.as_default():
        fill = initializer([missing, 1])  # (TF calls it with this shape even for 0 cells)
        value = constant(loaded)
        if missing:
            order = np.cumsum(~present).reshape(present.shape) - 1
            picked = gather(reshape(fill, [-1]), constant(np.maximum(order, 0).astype(np.int32)))
            value = where(constant(present), value, picked)
        if row_oov:
            value = concat([value, initializer([row_oov, len(cols)])], 0)
        if col_oov:
            value = concat([value, initializer([len(rows) + row_oov, col_oov])], 1)
        var._initializer_op = assign(var, value).op
