"""``tf.train.CheckpointManager`` in graph mode: numbered saves of a ``tf.train.Checkpoint``, the
newest ``max_to_keep`` kept (plus one per ``keep_checkpoint_every_n_hours``), the directory's
``checkpoint`` state file written as TF writes it (relative paths, each checkpoint's timestamp,
``last_preserved_timestamp``), and its state picked up again by a new manager on the directory.

As in TF graph mode, ``save`` and ``restore_or_initialize`` use the default session: ``save``
increments the checkpoint's ``save_counter`` there (initialising it when new) and numbers the
checkpoint by it unless given ``checkpoint_number``; ``restore_or_initialize`` returns after
``checkpoint.restore`` without running the restore (TF's graph-mode behaviour).
"""

from __future__ import annotations

import collections
import copy
import glob
import logging
import os
import time
from typing import Any

import numpy as np

from ..framework.graph import get_default_session
from ..ops.variables import assign_add
from .checkpoint_management import _update_checkpoint_state, get_checkpoint_state
from .trackable_checkpoint import CheckpointOptions, _session

_log = logging.getLogger(__name__)


def _delete_file_if_exists(pattern: str) -> None:
    for path in glob.glob(pattern):
        try:
            os.remove(path)
        except FileNotFoundError:
            _log.warning(
                "Hit NotFoundError when deleting '%s', possibly because another process/thread "
                "is also deleting/moving the same file",
                path,
            )


class CheckpointManager:
    """Keeps the newest checkpoints of ``checkpoint`` in ``directory`` (``ckpt-1``, ``ckpt-2`` ...).

    Args:
        checkpoint: the ``tf.train.Checkpoint`` to save and restore.
        directory: where the checkpoints and the ``checkpoint`` state file go.
        max_to_keep: how many to keep (None: all).
        keep_checkpoint_every_n_hours: also keep one checkpoint per this many hours.
        checkpoint_name: the checkpoints' base name.
        step_counter, checkpoint_interval: with both, ``save`` writes only once
            ``checkpoint_interval`` steps passed since the last save.
        init_fn: called by ``restore_or_initialize`` when there is no checkpoint.
        last_checkpoint_step: the step of the last save, for ``checkpoint_interval``.

    Raises:
        ValueError: ``max_to_keep`` not positive, or ``checkpoint_interval`` without
            ``step_counter``.
    """

    def __init__(
        self,
        checkpoint: Any,
        directory: str,
        max_to_keep: int | None,
        keep_checkpoint_every_n_hours: float | None = None,
        checkpoint_name: str = "ckpt",
        step_counter: Any = None,
        checkpoint_interval: int | None = None,
        init_fn: Any = None,
        last_checkpoint_step: int | None = None,
    ) -> None:
        self._checkpoint = checkpoint
        self._save_counter_assign: Any = None
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(
                f"Expected a positive integer or `None` for `max_to_keep`, got {max_to_keep}."
            )
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        directory = os.fspath(directory)
        self._directory = directory
        self._checkpoint_prefix = os.path.join(directory, checkpoint_name)
        self._init_fn = init_fn
        if checkpoint_interval is not None:
            if step_counter is None:
                raise ValueError(
                    "`step_counter` should be passed if `checkpoint_interval` is not None."
                )
            self._last_checkpoint_step = last_checkpoint_step
            self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        state = get_checkpoint_state(directory)
        now = time.time()
        self._maybe_delete: collections.OrderedDict[str, float] = collections.OrderedDict()
        if state is None:
            self._latest_checkpoint: str | None = None
            self._last_preserved_timestamp = now - 1.0
        else:
            self._latest_checkpoint = state.model_checkpoint_path
            self._last_preserved_timestamp = state.last_preserved_timestamp
            if now < self._last_preserved_timestamp:
                _log.warning(
                    "time.time() returned a value %f seconds behind the last preserved "
                    "checkpoint timestamp.",
                    self._last_preserved_timestamp - now,
                )
                self._last_preserved_timestamp = now
            stamps = state.all_model_checkpoint_timestamps or [
                self._last_preserved_timestamp
            ] * len(state.all_model_checkpoint_paths)
            for path, stamp in zip(state.all_model_checkpoint_paths, stamps):
                stamp = min(stamp, now)
                if stamp > self._last_preserved_timestamp:
                    self._maybe_delete[path] = stamp

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoint_interval(self) -> int | None:
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self) -> str | None:
        """The newest checkpoint's prefix, or None."""
        return self._latest_checkpoint

    @property
    def checkpoints(self) -> list[str]:
        """The managed checkpoints, oldest first (not those kept by the hours rule)."""
        return list(self._maybe_delete.keys())

    @property
    def checkpoint(self) -> Any:
        return self._checkpoint

    def _sweep(self) -> None:
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            path, stamp = self._maybe_delete.popitem(last=False)
            hours = self._keep_checkpoint_every_n_hours
            if hours and stamp - hours * 3600.0 >= self._last_preserved_timestamp:
                self._last_preserved_timestamp = stamp
                continue
            _delete_file_if_exists(path + ".index")
            _delete_file_if_exists(path + ".data-?????-of-?????")

    def _record_state(self) -> None:
        _update_checkpoint_state(
            self._directory,
            self._latest_checkpoint or "",
            list(self._maybe_delete.keys()),
            save_relative_paths=True,
            all_model_checkpoint_timestamps=list(self._maybe_delete.values()),
            last_preserved_timestamp=self._last_preserved_timestamp,
        )

    def _record_and_sweep(self, save_path: str) -> None:
        self._maybe_delete.pop(save_path, None)
        self._maybe_delete[save_path] = time.time()
        self._latest_checkpoint = save_path
        self._record_state()
        self._sweep()
        self._record_state()

    def save(
        self,
        checkpoint_number: Any = None,
        check_interval: bool = True,
        options: CheckpointOptions | None = None,
    ) -> str | None:
        """Saves a new checkpoint in the default session and deletes the ones beyond
        ``max_to_keep``; returns its path, or None when ``checkpoint_interval`` skips it."""
        session = _session(get_default_session())
        if self._checkpoint_interval is not None:
            step = int(session.run(self._step_counter))
            if self._last_checkpoint_step is not None:
                if step == self._last_checkpoint_step:
                    return None
                if check_interval and step < self._last_checkpoint_step + self._checkpoint_interval:
                    return None
            self._last_checkpoint_step = step
        if self._checkpoint._save_counter is None:
            session.run(self._checkpoint.save_counter.initializer)
        save_counter = self._checkpoint.save_counter
        if self._save_counter_assign is None:
            self._save_counter_assign = assign_add(save_counter, 1).op
        session.run(self._save_counter_assign)
        if checkpoint_number is None:
            checkpoint_number = save_counter
        if not isinstance(checkpoint_number, (int, np.integer)):
            checkpoint_number = int(session.run(checkpoint_number))
        prefix = f"{self._checkpoint_prefix}-{int(checkpoint_number)}"
        if options is None:
            options = CheckpointOptions(experimental_write_callbacks=[self._record_and_sweep])
        else:
            options = copy.copy(options)
            callbacks = list(options.experimental_write_callbacks or [])
            options.experimental_write_callbacks = [*callbacks, self._record_and_sweep]
        return self._checkpoint._write(prefix, session=session, options=options)

    def restore_or_initialize(self) -> str | None:
        """``checkpoint.restore(latest_checkpoint)`` and its path (the restore is not run, as
        in TF graph mode); without a checkpoint, calls ``init_fn`` and returns None."""
        if self._latest_checkpoint is not None:
            self._checkpoint.restore(self._latest_checkpoint)
            if self._checkpoint_interval is not None:
                self._last_checkpoint_step = int(
                    _session(get_default_session()).run(self._step_counter)
                )
            return self._latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
            _log.info("Customized initialization is done through the passed `init_fn`.")
        return None

    def sync(self) -> None:
        """Saves here are synchronous: nothing to wait for."""
