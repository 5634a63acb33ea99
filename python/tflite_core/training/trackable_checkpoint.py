"""``tf.compat.v1.train.Checkpoint`` (TF's ``CheckpointV1``) and ``tf.train.CheckpointOptions`` in
graph mode: object-based checkpoints, readable by TensorFlow's ``tf.train.Checkpoint`` and the
other way round.

``Checkpoint(model=layer, optimizer=opt, step=step)`` groups trackable objects (Variables,
``tf.layers`` layers, optimizers, other Checkpoints). ``save(prefix, session)`` increments
``save_counter`` (an int64 variable made on first use), writes ``prefix-<n>.index`` and
``.data-00000-of-00001`` with one tensor per variable under its object path
(``model/kernel/.ATTRIBUTES/VARIABLE_VALUE``; optimizer slots under
``model/kernel/.OPTIMIZER_SLOT/optimizer/m/...``) plus the serialized ``TrackableObjectGraph``
(``_CHECKPOINTABLE_OBJECT_GRAPH``), and points the directory's ``checkpoint`` file at it (a
relative path, the only one listed). ``write`` writes without numbering or the state file.

``restore(path)`` reads the object graph and binds its nodes to the live objects by their names
from the root; as in TF graph mode nothing is loaded until ``run_restore_ops(session)`` (or
``initialize_or_restore``), which binds again, so objects made in between (optimizer slots
made by ``minimize``) are restored too. ``restore(None)`` gives a status whose
``initialize_or_restore`` runs the initializers. A checkpoint of the name-based
``tf.train.Saver`` (no object graph) is restored by the variables' names, with a Saver over
every variable reachable from the root, ``save_counter`` included (so, as in TF, it fails with
NotFoundError unless the checkpoint has a ``save_counter`` too).
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import get_default_session
from ..framework.trackable_protos import OBJECT_GRAPH_PROTO_KEY, trackable_protos
from ..io._tensor_bundle import DTYPE_ENUM, ENUM_NAME, BundleReader
from ..ops.variables import Variable, assign_add
from .checkpoint_management import _update_checkpoint_state
from .object_bundle import read_string, write_object_bundle
from .saver import Saver, _live_value
from .trackable_graph import ObjectGraph, is_trackable, match, node_names


class CheckpointOptions:
    """Options for ``Checkpoint.save``/``write``/``restore`` and ``CheckpointManager.save``
    (``tf.train.CheckpointOptions``). One device and synchronous writes here: the I/O device and
    async settings are kept but change nothing; ``experimental_write_callbacks`` (functions of
    none or one argument, else AssertionError) are called with the path after each write. There
    is no ``ShardingCallback`` type here, so ``experimental_sharding_callback`` must be None
    (ValueError otherwise, TF's for a value of another type)."""

    __slots__ = (
        "enable_async",
        "experimental_enable_async_checkpoint",
        "experimental_io_device",
        "experimental_sharding_callback",
        "experimental_skip_slot_variables",
        "experimental_write_callbacks",
    )

    def __init__(
        self,
        experimental_io_device: str | None = None,
        experimental_enable_async_checkpoint: bool = False,
        experimental_write_callbacks: list | None = None,
        enable_async: bool = False,
        experimental_skip_slot_variables: bool = False,
        experimental_sharding_callback: Any = None,
    ) -> None:
        self.experimental_io_device = experimental_io_device
        self.enable_async = experimental_enable_async_checkpoint or enable_async
        self.experimental_enable_async_checkpoint = self.enable_async
        for callback in experimental_write_callbacks or ():
            assert len(inspect.signature(callback).parameters) <= 1
        self.experimental_write_callbacks = experimental_write_callbacks
        if experimental_sharding_callback is not None:  # (no ShardingCallback type here)
            raise ValueError(
                "The experimental_sharding_callback checkpoint optionmust be of type "
                "ShardingCallback. The option providedwas of type "
                f"{type(experimental_sharding_callback)}."
            )
        self.experimental_skip_slot_variables = experimental_skip_slot_variables
        self.experimental_sharding_callback = experimental_sharding_callback

    def __copy__(self) -> CheckpointOptions:
        """A copy whose list of write callbacks is a copy (the callbacks are shared)."""
        new = CheckpointOptions.__new__(CheckpointOptions)
        for name in self.__slots__:
            setattr(new, name, getattr(self, name))
        if self.experimental_write_callbacks is not None:
            new.experimental_write_callbacks = list(self.experimental_write_callbacks)
        return new


def _session(session: Any) -> Any:
    s = session if session is not None else get_default_session()
    if s is None:
        raise ValueError(
            "No session given and no default session is registered: pass `session=` or use "
            "`with sess.as_default()`"
        )
    return s


def _type_string(dtype: Any) -> str:
    """TF's C++ ``DataTypeString``: ``float``, ``double``, ``int64``, ``half`` ..."""
    return ENUM_NAME[DTYPE_ENUM[dtype]][3:].lower()


def _shape_str(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _run_callbacks(callbacks, path: str) -> None:
    for cb in callbacks or ():
        if len(inspect.signature(cb).parameters) == 0:
            cb()
        else:
            cb(path)


class Checkpoint:
    """Groups trackable objects into an object-based checkpoint (``tf.compat.v1.train.Checkpoint``).

    Args:
        **kwargs: the objects, by name; each a Variable, ``tf.layers`` layer, optimizer or
            Checkpoint. Attributes set later with trackable values are saved too.

    Raises:
        ValueError: a value that is not trackable.
    """

    _deps: dict[str, Any]
    _save_counter: Variable | None
    _save_assign_op: Any

    def __init__(self, **kwargs: Any) -> None:
        object.__setattr__(self, "_deps", {})
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_save_assign_op", None)
        for k, v in sorted(kwargs.items(), key=lambda item: item[0]):
            setattr(self, k, v)
            if not is_trackable(v):
                raise ValueError(
                    "`Checkpoint` was expecting a trackable object (an object derived from "
                    f"`Trackable`), got {v}. If you believe this object should be trackable "
                    "(i.e. it is part of the TensorFlow Python API and manages state), please "
                    "open an issue."
                )

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name.startswith("_"):
            return
        if is_trackable(value):
            self._deps[name] = value
        else:
            self._deps.pop(name, None)

    def _checkpoint_children(self) -> dict[str, Any]:
        return dict(self._deps)

    def _maybe_create_save_counter(self) -> None:
        if self._save_counter is None:
            counter = Variable(0, dtype=_dt.int64, name="save_counter", trainable=False)
            object.__setattr__(self, "_save_counter", counter)
            self._deps["save_counter"] = counter

    @property
    def save_counter(self) -> Variable:
        """The int64 variable counting saves (made on first use); numbers the checkpoints."""
        self._maybe_create_save_counter()
        assert self._save_counter is not None
        return self._save_counter

    def write(
        self, file_prefix: str, session: Any = None, options: CheckpointOptions | None = None
    ) -> str:
        """Writes the checkpoint ``file_prefix`` (no numbering, no ``checkpoint`` file).

        Raises:
            errors.FailedPreconditionError: a variable is not initialised.
        """
        return self._write(file_prefix, session, options)

    def _write(self, file_prefix: str, session: Any = None, options: Any = None) -> str:
        sess = _session(session)
        file_prefix = os.fspath(file_prefix)
        directory = os.path.dirname(file_prefix)
        if directory:  # (made before the values are read, as TF: even when that fails)
            os.makedirs(directory, exist_ok=True)
        graph = ObjectGraph(self)
        tensors = [(key, _live_value(sess, v)) for key, v in graph.variables()]
        proto = graph.proto().SerializeToString()
        write_object_bundle(file_prefix, tensors, {OBJECT_GRAPH_PROTO_KEY: proto})
        if options is not None:
            _run_callbacks(options.experimental_write_callbacks, file_prefix)
        return file_prefix

    def save(
        self, file_prefix: str, session: Any = None, options: CheckpointOptions | None = None
    ) -> str:
        """Increments ``save_counter``, writes ``file_prefix-<save_counter>`` and points the
        directory's ``checkpoint`` file at it. Returns the path written."""
        sess = _session(session)
        file_prefix = os.fspath(file_prefix)
        if self._save_counter is None:
            sess.run(self.save_counter.initializer)
        if self._save_assign_op is None:
            object.__setattr__(self, "_save_assign_op", assign_add(self.save_counter, 1))
        number = int(sess.run(self._save_assign_op))
        path = self.write(f"{file_prefix}-{number}", session=sess, options=options)
        _update_checkpoint_state(
            os.path.dirname(file_prefix), path, [path], save_relative_paths=True
        )
        return path

    def restore(self, save_path: str | None) -> Any:
        """A status object for restoring ``save_path`` (see the module docstring).

        Raises:
            errors.NotFoundError: no checkpoint at ``save_path``.
        """
        if save_path is None:
            self._maybe_create_save_counter()
            return InitializationOnlyStatus(self)
        save_path = os.fspath(save_path)
        reader = BundleReader(save_path)
        if OBJECT_GRAPH_PROTO_KEY not in reader.entries:
            self._maybe_create_save_counter()
            return NameBasedSaverStatus(self, save_path)
        proto = trackable_protos().TrackableObjectGraph()
        proto.ParseFromString(read_string(reader, OBJECT_GRAPH_PROTO_KEY))
        self._maybe_create_save_counter()
        return CheckpointLoadStatus(self, reader, proto)


def _initializers(variables) -> list:
    return [v.initializer for v in variables if v.initializer is not None]


class CheckpointLoadStatus:
    """What ``Checkpoint.restore(path)`` returns: assertions on the binding of the checkpoint's
    objects to the live ones, and the restore itself (``run_restore_ops``)."""

    def __init__(self, root: Checkpoint, reader: BundleReader, proto: Any) -> None:
        self._root = root
        self._reader = reader
        self.object_graph_proto = proto

    def _bind(self):
        return match(self._root, self.object_graph_proto)

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        """AssertionError when a live variable reachable from the root has no value in the
        checkpoint."""
        bound, _ = self._bind()
        bound_ids = {id(o) for o in bound.values()}
        unused = [
            o
            for o in ObjectGraph(self._root).objects
            if isinstance(o, Variable) and id(o) not in bound_ids
        ]
        if unused:
            n, shown = len(unused), min(10, len(unused))
            raise AssertionError(
                f"Found {n} Python objects that were not bound to checkpointed values, likely "
                f"due to changes in the Python program. Showing {shown} of {n} unmatched "
                f"objects: {unused[:shown]}"
            )
        return self

    def assert_consumed(self) -> CheckpointLoadStatus:
        """``assert_existing_objects_matched``, and AssertionError too when a value in the
        checkpoint has no live object (or an optimizer slot is not made yet)."""
        self.assert_existing_objects_matched()
        bound, pending = self._bind()
        names = node_names(self.object_graph_proto)
        for i, node in enumerate(self.object_graph_proto.nodes):
            if node.attributes and i not in bound:
                raise AssertionError(f"Unresolved object in checkpoint {names[i]}: {node}")
        if pending:
            raise AssertionError(f"Unresolved slot restorations: {pending}")
        return self

    def assert_nontrivial_match(self) -> CheckpointLoadStatus:
        """AssertionError when nothing but the root matched."""
        bound, _ = self._bind()
        if len(bound) <= 1:
            bound_ids = {id(o) for o in bound.values()}
            unused = [
                o
                for o in ObjectGraph(self._root).objects
                if isinstance(o, Variable) and id(o) not in bound_ids
            ]
            if unused:
                raise AssertionError(
                    "Nothing except the root object matched a checkpointed value. Typically "
                    "this means that the checkpoint does not match the Python program. The "
                    f"following objects have no matching checkpointed value: {unused}"
                )
            raise AssertionError(
                f"Nothing to load. No dependencies have been added to {self._root} yet."
            )
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        """Accepted: no warnings are given for a partial restore here."""
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Loads the values of every live variable bound to the checkpoint, all of them checked
        and read before any changes.

        Raises:
            errors.InvalidArgumentError: a stored shape or dtype differs from the variable's.
            errors.DataLossError: corrupt files.
        """
        sess = _session(session)
        bound, _ = self._bind()
        loads = []
        for i, node in enumerate(self.object_graph_proto.nodes):
            var = bound.get(i)
            if not isinstance(var, Variable) or not node.attributes:
                continue
            key = node.attributes[0].checkpoint_key
            stored_dt = self._reader.dtype(key)
            if stored_dt != var.dtype.base_dtype:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"tensor_name = {key}; expected dtype {_type_string(var.dtype.base_dtype)} "
                    f"does not equal original dtype {_type_string(stored_dt)}\n\t [[node "
                    "RestoreV2]]",
                )
            stored = list(self._reader.entry(key).shape)
            want = var.shape.as_list()
            if stored != want:
                raise errors.InvalidArgumentError(
                    None,
                    var.op,
                    "Assign requires shapes of both tensors to match. lhs shape= "
                    f"{_shape_str(want)} rhs shape= {_shape_str(stored)}\n\t [[node Assign]]",
                )
            loads.append((var, self._reader.read(key)))
        for var, value in loads:
            sess._load_variable(var, np.asarray(value))

    def initialize_or_restore(self, session: Any = None) -> None:
        """``run_restore_ops``, then the initializers of the variables the checkpoint lacks."""
        sess = _session(session)
        bound, _ = self._bind()
        bound_ids = {id(o) for o in bound.values()}
        rest = [
            o
            for o in ObjectGraph(self._root).objects
            if isinstance(o, Variable) and id(o) not in bound_ids
        ]
        self.run_restore_ops(sess)
        if rest:
            sess.run(_initializers(rest))


class InitializationOnlyStatus:
    """What ``Checkpoint.restore(None)`` returns: ``initialize_or_restore`` runs the
    initializers; the assertions and ``run_restore_ops`` raise AssertionError."""

    _MSG = "No checkpoint specified (save_path=None); nothing is being restored."

    def __init__(self, root: Checkpoint) -> None:
        self._root = root

    def assert_consumed(self) -> Any:
        raise AssertionError(self._MSG)

    def assert_existing_objects_matched(self) -> Any:
        raise AssertionError(self._MSG)

    def assert_nontrivial_match(self) -> Any:
        raise AssertionError(self._MSG)

    def expect_partial(self) -> InitializationOnlyStatus:
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        raise AssertionError(
            "No checkpoint specified, so no restore ops are available (save_path=None to "
            "Saver.restore)."
        )

    def initialize_or_restore(self, session: Any = None) -> None:
        """Runs the initializers of every variable reachable from the root."""
        sess = _session(session)
        variables = [o for o in ObjectGraph(self._root).objects if isinstance(o, Variable)]
        if variables:
            sess.run(_initializers(variables))


class NameBasedSaverStatus:
    """What ``Checkpoint.restore`` returns for a checkpoint of the name-based ``tf.train.Saver``:
    ``run_restore_ops`` (and ``initialize_or_restore``) restore every variable reachable from the
    root by its name with a ``Saver``; the assertions fail (AssertionError) until the restore ran
    (TF's ``Object not restored``)."""

    def __init__(self, root: Checkpoint, save_path: str) -> None:
        self._root = root
        self._save_path = save_path
        self._ran = False

    def assert_consumed(self) -> NameBasedSaverStatus:
        if not self._ran:
            raise AssertionError(f"Object not restored: {self._root}")
        return self

    assert_existing_objects_matched = assert_consumed
    assert_nontrivial_match = assert_consumed
    expect_partial = assert_consumed

    def run_restore_ops(self, session: Any = None) -> None:
        """Restores by name; Saver's errors (NotFoundError for a name the checkpoint lacks)."""
        sess = _session(session)
        variables = [o for o in ObjectGraph(self._root).objects if isinstance(o, Variable)]
        self._ran = True  # (TF marks the objects before its Saver runs)
        Saver({v.op.name: v for v in variables}).restore(sess, self._save_path)

    def initialize_or_restore(self, session: Any = None) -> None:
        self.run_restore_ops(session)
