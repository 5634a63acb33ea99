"""``tf.train.Saver``: saves variables to TensorFlow's V2 checkpoint format and restores them.

A checkpoint with prefix ``P`` is ``P.index`` + ``P.data-00000-of-00001`` (``_tensor_bundle``),
readable by TensorFlow's own ``Saver``/``tf.train.load_checkpoint`` and the other way round; each
variable is stored under its op name (``w``, ``layer1/Variable_1``), as TensorFlow stores it.
``save`` also writes ``P.meta`` (a ``MetaGraphDef``) and the directory's ``checkpoint`` file.

Crash safety: data and index are written to temporary names and renamed into place (data first),
then the ``checkpoint`` file is replaced the same way, then checkpoints beyond ``max_to_keep``
are deleted (index first). Saving again to an existing prefix (no global step) stages the new
files under ``<prefix>.saving<pid>-<random>``, points the ``checkpoint`` file there, replaces the
prefix's two files, then points the ``checkpoint`` file back (TensorFlow has a window there in
which a kill leaves index and data mismatched). So a process killed at any moment leaves the
``checkpoint`` file naming a complete checkpoint. The temporary files of a killed save carry its
process id; the next save of that prefix removes those of processes no longer running. Nothing
is fsync'ed (TensorFlow does not either), so this holds for a crash of the process, not for a
power loss.

>>> import os, tempfile
>>> w = tf.Variable([[1.0, 2.0]], name="w")
>>> saver = tf.train.Saver()
>>> tmp = tempfile.TemporaryDirectory()
>>> path = os.path.join(tmp.name, "model")
>>> with tf.Session() as sess:
...     sess.run(w.initializer)
...     prefix = saver.save(sess, path, global_step=7)
>>> os.path.basename(prefix)
'model-7'
>>> with tf.Session() as sess:
...     saver.restore(sess, prefix)  # replaces running the initializer
...     print(sess.run(w))
[[1. 2.]]
>>> tmp.cleanup()
"""

from __future__ import annotations

import contextlib
import os
import struct
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..client.session import BaseSession
from ..framework import errors
from ..framework.graph import GraphKeys, Tensor, get_default_graph
from ..framework.tf_logging import info
from ..io._leveldb_table import put_varint
from ..io._tensor_bundle import (
    BundleReader,
    bytes_field,
    data_filename,
    index_filename,
    remove_bundle,
    varint_field,
    write_bundle,
)
from ..io.file_io import atomic_write, remove_stale_temp_files, replace_with_link, temp_name
from ..ops.variables import Variable, global_variables
from .checkpoint_management import (
    _update_checkpoint_state,
    checkpoint_exists,
    meta_graph_filename,
)


class SaverDef:
    """The Saver's settings (``tf.train.SaverDef``); ``SaverDef.V2`` is the format written."""

    LEGACY, V1, V2 = 0, 1, 2

    def __init__(
        self,
        filename_tensor_name="",
        save_tensor_name="",
        restore_op_name="",
        max_to_keep=0,
        sharded=False,
        keep_checkpoint_every_n_hours=0.0,
        version=2,
    ):
        self.filename_tensor_name = filename_tensor_name
        self.save_tensor_name = save_tensor_name
        self.restore_op_name = restore_op_name
        self.max_to_keep = max_to_keep
        self.sharded = sharded
        self.keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self.version = version

    def SerializeToString(self) -> bytes:
        """The ``tensorflow.SaverDef`` wire encoding."""
        out = bytearray()
        _string_field(out, 1, self.filename_tensor_name)
        _string_field(out, 2, self.save_tensor_name)
        _string_field(out, 3, self.restore_op_name)
        varint_field(out, 4, int(self.max_to_keep or 0))
        varint_field(out, 5, int(bool(self.sharded)))
        if self.keep_checkpoint_every_n_hours:
            put_varint(out, (6 << 3) | 5)
            out += struct.pack("<f", float(self.keep_checkpoint_every_n_hours))
        varint_field(out, 7, int(self.version))
        return bytes(out)


class _CheckpointNotFoundError(errors.NotFoundError, ValueError):
    """No checkpoint at the path given to ``restore``: TF 1.x raised NotFoundError here and
    later releases ValueError, so this is both."""


# ---- protobuf encoding of the MetaGraphDef -------------------------------------------------------
def _string_field(out: bytearray, number: int, value: str) -> None:
    if value:  # proto3: an empty string is left out
        bytes_field(out, number, value.encode("utf-8"))


def _variable_def(v: Variable) -> bytes:
    """``tensorflow.VariableDef`` (variable.proto) of a ref variable."""
    out = bytearray()
    _string_field(out, 1, v.name)  # variable_name "w:0"
    _string_field(out, 2, v.initializer.name)  # initializer_name "w/Assign"
    _string_field(out, 3, v.value().name)  # snapshot_name "w/read:0"
    _string_field(out, 6, v.initial_value.name)  # initial_value_name
    varint_field(out, 7, int(v.trainable))
    return bytes(out)


def _collection_def(items) -> bytes | None:
    """``tensorflow.CollectionDef``: variables as bytes_list of VariableDef, ops as node_list."""
    out = bytearray()
    if items and all(isinstance(v, Variable) for v in items):
        lst = bytearray()
        for v in items:
            bytes_field(lst, 1, _variable_def(v))
        bytes_field(out, 2, bytes(lst))  # bytes_list
    elif items and all(hasattr(v, "name") and hasattr(v, "graph") for v in items):
        lst = bytearray()
        for v in items:
            bytes_field(lst, 1, v.name.encode("utf-8"))
        bytes_field(out, 1, bytes(lst))  # node_list
    else:
        return None
    return bytes(out)


def _meta_graph_def(graph) -> bytes:
    """``tensorflow.MetaGraphDef`` (meta_graph.proto): meta_info_def=1 (empty), graph_def=2 (when
    the graph can give one) and collection_def=4 (variable collections as VariableDefs, train_op).

    There is no saver_def (field 3): TensorFlow's SaverDef names the graph's save and restore ops,
    which a tflite_core graph does not have, and ``tf.train.import_meta_graph`` rejects a SaverDef
    without them. Without one it builds a fresh Saver over the imported variables, so TensorFlow
    can import the ``.meta`` and restore the checkpoint.
    """
    out = bytearray()
    bytes_field(out, 1, b"")  # an (empty) MetaInfoDef
    graph_def = graph.as_graph_def().SerializeToString()
    put_varint(out, (2 << 3) | 2)  # graph_def, appended below without copying it into out
    put_varint(out, len(graph_def))
    tail = bytearray()
    keys = (
        GraphKeys.GLOBAL_VARIABLES,
        GraphKeys.TRAINABLE_VARIABLES,
        GraphKeys.LOCAL_VARIABLES,
        GraphKeys.MODEL_VARIABLES,
        GraphKeys.TRAIN_OP,
    )
    for key in sorted(keys):
        col = _collection_def(graph.get_collection(key))
        if col is not None:
            entry = bytearray()
            _string_field(entry, 1, key)
            bytes_field(entry, 2, col)
            bytes_field(tail, 4, bytes(entry))
    return b"".join((out, graph_def, tail))


# ---- variables and the session -------------------------------------------------------------------
def _as_variable(v):
    """A Variable or a VariableV2 ref tensor (what ``sess._load_variable`` accepts)."""
    if isinstance(v, Variable):
        return v
    if isinstance(v, Tensor) and v.op.type == "VariableV2":
        return v
    raise TypeError(f"Variable to save is not a Variable: {v!r}")


def _name_map(var_list) -> dict:
    """{checkpoint key: variable}: op names for a list (TF's op_list_to_dict), keys of a dict."""
    if isinstance(var_list, Mapping):
        out = {}
        for name, v in var_list.items():
            if not isinstance(name, str):
                raise TypeError(f"Checkpoint keys must be strings, got {name!r}")
            out[name] = _as_variable(v)
        return out
    if isinstance(var_list, (Variable, Tensor)):
        var_list = [var_list]
    out = {}
    for v in sorted((_as_variable(v) for v in var_list), key=lambda v: v.name):
        name = v.op.name
        if name in out:
            raise ValueError(f"At least two variables have the same name: {name}")
        out[name] = v
    return out


def _check_session(sess, variables) -> None:
    if not isinstance(sess, BaseSession):
        raise TypeError(f"'sess' must be a Session; {sess}")
    if sess._closed:
        raise RuntimeError("Attempted to use a closed Session.")
    for v in variables:
        if v.graph is not sess.graph:
            raise ValueError(f"Variable {v.op.name} is not in the session's graph")


def _live_value(sess, var) -> np.ndarray:
    """The session's own buffer of ``var`` (no copy).

    Raises:
        errors.FailedPreconditionError: the variable is not initialised.
    """
    buf = sess._vars.get(var.op)
    if var.op not in sess._initialized or buf is None:
        raise errors.FailedPreconditionError(
            None,
            var.op,
            f"Attempting to use uninitialized value {var.op.name}\n\t [[node save/SaveV2]]",
        )
    return buf


def _restore_error(err: errors.OpError, verbiage: str) -> errors.OpError:
    """TF's ``_wrap_restore_error_with_msg``."""
    msg = (
        f"Restoring from checkpoint failed. This is most likely due to {verbiage} from the "
        "checkpoint. Please ensure that you have not altered the graph expected based on the "
        f"checkpoint. Original error:\n\n{err.message}"
    )
    return type(err)(err.node_def, err.op, msg)


def _shape_str(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


# ---- the Saver -----------------------------------------------------------------------------------
class Saver:
    """Saves and restores variables (``tf.train.Saver``, TF 1.x semantics, V2 format).

    Args:
        var_list: None (every global variable, optimiser slots included), a list of variables
            (stored under their op names) or a dict {checkpoint key: variable}.
        reshape: allow restoring a value of another shape with the same number of elements.
        sharded: accepted; one device means one shard, so the files are the same.
        max_to_keep: checkpoints kept (older ones deleted); None or 0 keeps all and records none
            in the ``checkpoint`` file but the newest.
        keep_checkpoint_every_n_hours: also keep one checkpoint per this many hours.
        write_version: must be 2 (``SaverDef.V2``).
        pad_step_number: name checkpoints ``prefix-00000042`` instead of ``prefix-42``.
        save_relative_paths: write paths relative to the directory in the ``checkpoint`` file.
        defer_build: collect the variables at ``build()`` instead of now.
        allow_empty: with no variables, save returns None instead of raising.
        saver_def: a ``SaverDef`` giving max_to_keep, keep_checkpoint_every_n_hours, version.
        name, restore_sequentially, filename: accepted for compatibility.
        builder: custom save ops are not supported; must be None.

    Raises:
        ValueError: no variables (without ``allow_empty``), two with one name, or a var_list with
            ``defer_build``.
    """

    def __init__(
        self,
        var_list: Sequence[Variable] | Mapping[str, Variable] | None = None,
        reshape: bool = False,
        sharded: bool = False,
        max_to_keep: int | None = 5,
        keep_checkpoint_every_n_hours: float = 10000.0,
        name: str | None = None,
        restore_sequentially: bool = False,
        saver_def: SaverDef | None = None,
        builder: None = None,
        defer_build: bool = False,
        allow_empty: bool = False,
        write_version: int = 2,
        pad_step_number: bool = False,
        save_relative_paths: bool = False,
        filename: str | None = None,
    ) -> None:
        if defer_build and var_list is not None:
            raise ValueError(
                "If `var_list` is provided then build cannot be deferred. Either set "
                "defer_build=False or var_list=None."
            )
        if builder is not None:
            raise NotImplementedError("tflite_core's Saver does not take a custom builder")
        if saver_def is not None:
            max_to_keep = saver_def.max_to_keep
            keep_checkpoint_every_n_hours = saver_def.keep_checkpoint_every_n_hours
            write_version = saver_def.version
            sharded = saver_def.sharded
        if write_version != SaverDef.V2:
            raise ValueError(
                f"write_version={write_version}: only the V2 format (tf.train.SaverDef.V2) is "
                "supported"
            )
        self._var_list = var_list
        self._reshape = reshape
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._allow_empty = allow_empty
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._filename = filename
        self.saver_def = SaverDef(
            max_to_keep=max_to_keep or 0,
            sharded=sharded,
            keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
            version=SaverDef.V2,
        )
        self._last_checkpoints: list = []  # [(prefix, time)], oldest first
        self._to_delete: list = []
        self._vars: dict | None = None
        self._is_empty: bool | None = None  # known at build()
        if not defer_build:
            self.build()

    def build(self) -> None:
        """Collects the variables (the global ones when ``var_list`` was None)."""
        var_list = self._var_list if self._var_list is not None else global_variables()
        self._vars = _name_map(var_list)
        self._is_empty = not self._vars
        if self._is_empty and not self._allow_empty:
            raise ValueError("No variables to save")
        graphs = {id(v.graph) for v in self._vars.values()}
        if len(graphs) > 1:
            raise ValueError("The variables to save are in more than one graph")
        self._graph = next(iter(self._vars.values())).graph if self._vars else get_default_graph()
        self._next_checkpoint_time = time.time() + self._keep_hours * 3600

    def as_saver_def(self) -> SaverDef:
        return self.saver_def

    # -- bookkeeping (TF's _RecordLastCheckpoint / _MaybeDeleteOldCheckpoints) --------------------
    @property
    def last_checkpoints(self) -> list:
        """The prefixes of the checkpoints not yet deleted, oldest first."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints) -> None:
        """Deprecated: sets the kept list; these checkpoints are never deleted."""
        if not isinstance(last_checkpoints, list):
            raise AssertionError("last_checkpoints must be a list")
        self._last_checkpoints = [(p, np.inf) for p in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time) -> None:
        """Sets the kept list as ``[(prefix, seconds since the Epoch), ...]``, oldest first."""
        if not isinstance(last_checkpoints_with_time, list):
            raise AssertionError("last_checkpoints_with_time must be a list")
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths) -> None:
        """Rebuilds the kept list after a restart from the files' modification times."""
        kept = []
        for p in checkpoint_paths:
            try:
                kept.append((p, os.stat(p + ".index").st_mtime))
            except OSError:
                continue
        self.set_last_checkpoints_with_time(kept)

    def _record(self, path: str) -> None:
        if not self.saver_def.max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != path]
        self._last_checkpoints.append((path, time.time()))
        if len(self._last_checkpoints) > self.saver_def.max_to_keep:
            self._to_delete.append(self._last_checkpoints.pop(0))

    def _delete_old(self, meta_graph_suffix: str) -> None:
        if not self._to_delete:
            return
        path, stamp = self._to_delete.pop(0)
        if stamp > self._next_checkpoint_time:  # kept by keep_checkpoint_every_n_hours
            self._next_checkpoint_time += self._keep_hours * 3600
            return
        remove_bundle(path)
        with contextlib.suppress(OSError):
            os.remove(meta_graph_filename(path, meta_graph_suffix))

    # -- save / restore ---------------------------------------------------------------------------
    def save(
        self,
        sess: BaseSession,
        save_path: str,
        global_step: int | Variable | Tensor | str | None = None,
        latest_filename: str | None = None,
        meta_graph_suffix: str = "meta",
        write_meta_graph: bool = True,
        write_state: bool = True,
        strip_default_attrs: bool = False,
        save_debug_info: bool = False,
    ) -> str | None:
        """Saves the variables' current values; returns the checkpoint prefix.

        Args:
            sess: the Session holding the values.
            save_path: the prefix, e.g. ``/tmp/run/model``.
            global_step: an int, or a Variable/Tensor/name evaluated in ``sess``: the prefix
                becomes ``save_path-<step>``.
            latest_filename: the state file's name in the directory (default ``checkpoint``).
            meta_graph_suffix: the MetaGraphDef file's extension.
            write_meta_graph: write ``prefix.meta``.
            write_state: record the checkpoint in the state file and delete old ones.
            strip_default_attrs, save_debug_info: accepted for compatibility.

        Returns:
            The prefix written (None when the Saver has no variables).

        Raises:
            errors.FailedPreconditionError: a variable is not initialised.
            ValueError: the parent directory does not exist, or the names collide.
        """
        if self._vars is None:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        _check_session(sess, self._vars.values())
        if global_step is not None:
            if not isinstance(global_step, (int, np.integer)):
                global_step = int(sess.run(global_step))
            fmt = "{:08d}" if self._pad_step_number else "{:d}"
            checkpoint_file = f"{save_path}-{fmt.format(int(global_step))}"
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename:
                raise ValueError(
                    f"'latest_filename' collides with 'save_path': '{latest_filename}' and "
                    f"'{save_path}'"
                )
        parent = os.path.dirname(save_path)
        model_checkpoint_path = None
        if not self._is_empty:
            tensors = [(n, _live_value(sess, v)) for n, v in self._vars.items()]
            directory = os.path.dirname(checkpoint_file)
            if directory and not os.path.isdir(directory):
                try:
                    os.mkdir(directory)  # as BundleWriter: the last level only
                except FileNotFoundError:
                    raise ValueError(
                        f"Parent directory of {save_path} doesn't exist, can't save."
                    ) from None
                except FileExistsError:
                    pass
            # what killed saves of this prefix left (a staged checkpoint the state file named
            # after a kill is no longer kept once this save records its own)
            removed = set(remove_stale_temp_files(save_path))
            remove_stale_temp_files(os.path.join(parent, latest_filename))
            self._last_checkpoints = [
                p for p in self._last_checkpoints if index_filename(p[0]) not in removed
            ]
            staged = None
            if write_state and checkpoint_exists(checkpoint_file):
                staged = self._replace_checkpoint(checkpoint_file, tensors, parent, latest_filename)
            else:
                write_bundle(checkpoint_file, tensors)
            model_checkpoint_path = checkpoint_file
            if write_state:
                self._record(model_checkpoint_path)
                self._write_state(parent, model_checkpoint_path, latest_filename)
                self._delete_old(meta_graph_suffix)
            if staged is not None:
                remove_bundle(staged)
        if write_meta_graph:
            atomic_write(
                meta_graph_filename(checkpoint_file, meta_graph_suffix),
                _meta_graph_def(sess.graph),
            )
        return model_checkpoint_path

    def _write_state(self, parent, latest, latest_filename, paths=None) -> None:
        _update_checkpoint_state(
            parent,
            latest,
            self.last_checkpoints if paths is None else paths,
            latest_filename,
            self._save_relative_paths,
        )

    def _replace_checkpoint(self, prefix, tensors, parent, latest_filename) -> str:
        """Saves over the existing checkpoint ``prefix`` so that the state file names a complete
        checkpoint at every moment: the new values go to a staged prefix beside it, the state
        file points there while ``prefix``'s two files are replaced (a kill between those two
        would leave them mismatched), then back to ``prefix``; the staged files are removed."""
        staged = temp_name(prefix, "saving")
        try:
            write_bundle(staged, tensors)
        except BaseException:
            remove_bundle(staged)
            raise
        others = [p for p in self.last_checkpoints if p != prefix]
        self._write_state(parent, staged, latest_filename, [*others, staged])
        replace_with_link(data_filename(staged), data_filename(prefix))
        replace_with_link(index_filename(staged), index_filename(prefix))
        return staged  # removed by the caller once the state file names `prefix` again

    def restore(self, sess: BaseSession, save_path: str | None) -> None:
        """Loads every variable from the checkpoint; this replaces running their initializers.

        All values are read and checked before any variable changes, so a failed restore leaves
        the session as it was.

        Raises:
            ValueError: ``save_path`` is None.
            errors.NotFoundError: no checkpoint there (also a ValueError, as in later TF), or a
                variable missing from it.
            errors.InvalidArgumentError: a variable's shape or dtype differs from the stored one.
            errors.DataLossError: corrupt or truncated files.
        """
        if self._vars is None:
            raise RuntimeError("`build()` should be called before restore if defer_build==True")
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        save_path = os.fspath(save_path)
        _check_session(sess, self._vars.values())
        if not checkpoint_exists(save_path):
            raise _CheckpointNotFoundError(
                None,
                None,
                f"The passed save_path is not a valid checkpoint: {save_path} (Unsuccessful "
                f"TensorSliceReader constructor: Failed to find any matching files for "
                f"{save_path})",
            )
        info("Restoring parameters from %s", save_path)
        reader = BundleReader(save_path)
        plan = []
        for name, var in self._vars.items():
            try:
                stored_dt = reader.dtype(name)
            except errors.NotFoundError as e:
                raise _restore_error(
                    e, "a Variable name or other graph key that is missing"
                ) from None
            stored = tuple(reader.entry(name).shape)
            want = tuple(var.shape.as_list())
            if stored_dt != var.dtype:
                raise _restore_error(
                    errors.InvalidArgumentError(
                        None,
                        var.op,
                        f"tensor_name = {name}; expected dtype {var.dtype.name} does not equal "
                        f"original dtype {stored_dt.name}",
                    ),
                    "a mismatch between the current graph and the graph",
                )
            if stored != want and not (
                self._reshape and int(np.prod(stored)) == int(np.prod(want))
            ):
                raise _restore_error(
                    errors.InvalidArgumentError(
                        None,
                        var.op,
                        f"tensor_name = {name}; Assign requires shapes of both tensors to match "
                        f"(variable {var.op.name}). lhs shape= {_shape_str(want)} rhs shape= "
                        f"{_shape_str(stored)}",
                    ),
                    "a mismatch between the current graph and the graph",
                )
            plan.append((name, var, stored, want))
        # read everything (CRC-checked) before touching a variable: an uninitialised variable's
        # buffer is filled in place, an initialised one's value is kept until all reads passed
        staged: list[tuple[Any, np.ndarray | None]] = []
        for name, var, stored, want in plan:
            if var.op in sess._initialized:
                staged.append((var, reader.read(name).reshape(want)))
            else:
                buf = sess._variable_buffer(var.op, want)
                reader.read(name, out=buf.reshape(stored))
                staged.append((var, None))
        for var, value in staged:
            if value is None:
                sess._initialized.add(var.op)
            else:
                sess._load_variable(var, value)
