"""Reading checkpoints without a graph: ``tf.train.NewCheckpointReader``, ``load_checkpoint``,
``list_variables``, ``load_variable`` (TF: ``python/training/checkpoint_utils.py``,
``py_checkpoint_reader.py``).

>>> import os, tempfile
>>> from tflite_core.io._tensor_bundle import write_bundle
>>> tmp = tempfile.TemporaryDirectory()
>>> d = tmp.name
>>> write_bundle(os.path.join(d, "m"), [("w", np.ones([2], np.float32)), ("step", np.int64(3))])
>>> list_variables(os.path.join(d, "m"))
[('step', []), ('w', [2])]
>>> NewCheckpointReader(os.path.join(d, "m")).get_tensor("step")
np.int64(3)
>>> tmp.cleanup()
"""

from __future__ import annotations

import os

import numpy as np

from ..io._tensor_bundle import ENUM_NAME, BundleReader
from .checkpoint_management import latest_checkpoint


class CheckpointReader:
    """A checkpoint opened for reading (what ``NewCheckpointReader`` returns).

    Raises (at construction):
        errors.NotFoundError: no checkpoint with that prefix.
        errors.DataLossError: a corrupt index file.
    """

    def __init__(self, filepattern: str):
        self._reader = BundleReader(os.fspath(filepattern))

    def has_tensor(self, tensor_str: str) -> bool:
        return tensor_str in self._reader.shapes()

    def get_tensor(self, tensor_str: str) -> np.ndarray:
        """The tensor's value: an ndarray (a NumPy scalar for a 0-d tensor), CRC-checked.

        Raises:
            errors.NotFoundError: ``Key <name> not found in checkpoint``.
            errors.DataLossError: the data file is truncated or fails its checksum.
        """
        value = self._reader.read(tensor_str)
        return value[()] if value.ndim == 0 else value

    def get_variable_to_shape_map(self) -> dict:
        return self._reader.shapes()

    def get_variable_to_dtype_map(self) -> dict:
        return {n: self._reader.dtype(n) for n in self._reader.shapes()}

    def debug_string(self) -> bytes:
        """One ``name (DT_FLOAT) [2,3]`` line per tensor, as TensorFlow's reader gives."""
        lines = []
        for name, shape in self._reader.shapes().items():
            e = self._reader.entry(name)
            dt = ENUM_NAME.get(e.dtype_enum, str(e.dtype_enum))
            lines.append(f"{name} ({dt}) [{','.join(str(d) for d in shape)}]\n")
        return "".join(lines).encode("utf-8", "surrogateescape")


def NewCheckpointReader(filepattern: str) -> CheckpointReader:
    """Opens the checkpoint with prefix ``filepattern`` (e.g. what ``Saver.save`` returned)."""
    return CheckpointReader(filepattern)


def _checkpoint_filename(ckpt_dir_or_file) -> str:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(
                f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}"
            )
        return latest
    return path


def load_checkpoint(ckpt_dir_or_file: str) -> CheckpointReader:
    """A reader for a checkpoint prefix, or for the latest checkpoint of a directory.

    Raises:
        ValueError: a directory without a ``checkpoint`` file naming an existing checkpoint.
        errors.NotFoundError: no checkpoint with that prefix.
    """
    return NewCheckpointReader(_checkpoint_filename(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file: str) -> list[tuple[str, list[int]]]:
    """``[(name, shape), ...]`` of every tensor in the checkpoint, sorted by name."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(n, shapes[n]) for n in sorted(shapes)]


def load_variable(ckpt_dir_or_file: str, name: str) -> np.ndarray:
    """One tensor's value from a checkpoint (a trailing ``:0`` on ``name`` is ignored)."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
