"""The basic ``SessionRunHook``s of TF 1.x: ``LoggingTensorHook``, ``StopAtStepHook``,
``StepCounterHook``, ``NanTensorHook``, ``GlobalStepWaiterHook``, ``FinalOpsHook``,
``FeedFnHook``, and ``SecondOrStepTimer``, which they use to act every N steps or seconds.

They log through ``tf.logging`` (the ``tensorflow`` logger) with TF's messages, e.g.
``loss = 0.35, step = 100 (0.520 sec)`` and ``global_step/sec: 191.7``. The hooks that save
files (checkpoints, summaries, timelines) are in ``saver_hooks.py``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ..framework import errors
from ..framework.graph import Graph, Tensor, get_default_graph, name_scope
from ..framework.protos import protos
from ..framework.tf_logging import error, info, warning
from ..io.event_writer import FileWriter, FileWriterCache
from ..ops.check_ops import is_variable_initialized
from ..ops.cond import cond
from ..ops.variables import Variable
from .saver import _meta_graph_def
from .session_run_hook import SessionRunArgs, SessionRunHook
from .training_util import get_global_step

GLOBAL_STEP_READ_KEY = "global_step_read_op_cache"


def get_or_create_global_step_read(graph: Graph | None = None) -> Tensor | None:
    """A tensor reading the global step (``global_step/add:0``: the value + 0, or the initial
    value while the variable is uninitialised), cached in the ``global_step_read_op_cache``
    collection, as TF's hooks fetch it; None when the graph has no global step."""
    graph = graph or get_default_graph()
    cached = graph.get_collection(GLOBAL_STEP_READ_KEY)
    if len(cached) > 1:
        raise RuntimeError(f"There are multiple items in collection {GLOBAL_STEP_READ_KEY}.")
    if cached:
        return cached[0]
    step = get_global_step(graph)
    if step is None:
        return None
    with graph.as_default(), name_scope(None), name_scope(step.op.name + "/"):
        if isinstance(step, Variable):
            var = step
            value = cond(is_variable_initialized(var), var.read_value, lambda: var.initial_value)
        else:
            value = step
        read = value + 0
    graph.add_to_collection(GLOBAL_STEP_READ_KEY, read)
    return read


def summary_writer(logdir: str) -> FileWriter:
    """``FileWriterCache.get(logdir)`` as TF's hooks use it: a writer created here starts
    with the default graph's GraphDef and MetaGraphDef events, as TF's cache creates it with
    ``FileWriter(logdir, graph=get_default_graph())``."""
    fresh = logdir not in FileWriterCache._cache
    writer = FileWriterCache.get(logdir)
    if fresh:
        graph = get_default_graph()
        writer.add_graph(graph)
        writer.add_event(protos().Event(meta_graph_def=_meta_graph_def(graph)))
    return writer


def require_global_step_read(hook_name: str) -> Tensor:
    read = get_or_create_global_step_read()
    if read is None:
        raise RuntimeError(f"Global step should be created to use {hook_name}.")
    return read


def as_graph_element(obj: Any) -> Any:
    """A tensor (or its name: ``'loss'`` means ``'loss:0'``) of the default graph."""
    graph = get_default_graph()
    if not isinstance(obj, str):
        if getattr(obj, "graph", None) is not graph:
            raise ValueError(
                f"Passed {obj} should have graph attribute that is equal to current graph {graph}."
            )
        return obj
    if ":" in obj:
        return graph.as_graph_element(obj)
    element = graph.as_graph_element(obj + ":0")
    try:
        graph.as_graph_element(obj + ":1")
    except (KeyError, ValueError):
        return element
    raise ValueError(
        f"Name {obj} is ambiguous, as this `Operation` has multiple outputs (at least 2)."
    )


class SecondOrStepTimer:
    """Triggers at most once every ``every_secs`` seconds or once every ``every_steps`` steps
    (exactly one of them); it always triggers the first time."""

    def __init__(self, every_secs: float | None = None, every_steps: int | None = None) -> None:
        self.reset()
        if every_secs is None and every_steps is None:
            raise ValueError("Either every_secs or every_steps should be provided.")
        if every_secs is not None and every_steps is not None:
            raise ValueError("Can not provide both every_secs and every_steps.")
        self._every_secs = every_secs
        self._every_steps = every_steps

    def reset(self) -> None:
        self._last_triggered_step: int | None = None
        self._last_triggered_time: float | None = None

    def should_trigger_for_step(self, step: int) -> bool:
        """True when ``every_secs`` have passed or ``step`` is ``every_steps`` past the last
        trigger (never twice for one step)."""
        last = self._last_triggered_step
        if last is None:
            return True
        if last == step:
            return False
        if self._every_secs is not None:
            assert self._last_triggered_time is not None
            if time.time() >= self._last_triggered_time + self._every_secs:
                return True
        return self._every_steps is not None and step >= last + self._every_steps

    def update_last_triggered_step(self, step: int) -> tuple[float | None, int | None]:
        """Records a trigger at ``step``; returns (seconds, steps) since the previous one
        (None, None the first time)."""
        now = time.time()
        if self._last_triggered_time is None:
            elapsed: tuple[float | None, int | None] = (None, None)
        else:
            assert self._last_triggered_step is not None
            elapsed = (now - self._last_triggered_time, step - self._last_triggered_step)
        self._last_triggered_time = now
        self._last_triggered_step = step
        return elapsed

    def last_triggered_step(self) -> int | None:
        return self._last_triggered_step


class _NeverTriggerTimer:
    """The timer of a LoggingTensorHook that logs only at the end."""

    def reset(self) -> None:
        pass

    def should_trigger_for_step(self, step: int) -> bool:
        return False

    def update_last_triggered_step(self, step: int) -> tuple[None, None]:
        return None, None

    def last_triggered_step(self) -> None:
        return None


class LoggingTensorHook(SessionRunHook):
    """Logs the values of ``tensors`` every ``every_n_iter`` local steps or ``every_n_secs``
    seconds, and/or at the end, as ``tag = value, ... (0.123 sec)`` (NumPy with
    ``suppress=True``), or through ``formatter(values_by_tag)``."""

    def __init__(
        self,
        tensors: Any,
        every_n_iter: int | None = None,
        every_n_secs: float | None = None,
        at_end: bool = False,
        formatter: Any = None,
    ) -> None:
        only_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError(
                "either at_end and/or exactly one of every_n_iter and every_n_secs must be "
                "provided."
            )
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if isinstance(tensors, dict):
            self._tag_order = sorted(tensors)
        else:
            self._tag_order = list(tensors)
            tensors = {t: t for t in tensors}
        self._tensors = tensors
        self._formatter = formatter
        self._timer: SecondOrStepTimer | _NeverTriggerTimer = (
            _NeverTriggerTimer()
            if only_at_end
            else SecondOrStepTimer(every_secs=every_n_secs, every_steps=every_n_iter)
        )
        self._log_at_end = at_end

    def begin(self) -> None:
        self._timer.reset()
        self._iter_count = 0
        self._current_tensors = {tag: as_graph_element(t) for tag, t in self._tensors.items()}

    def before_run(self, run_context):
        self._should_trigger = self._timer.should_trigger_for_step(self._iter_count)
        return SessionRunArgs(self._current_tensors) if self._should_trigger else None

    def _log_tensors(self, values: dict) -> None:
        elapsed, _ = self._timer.update_last_triggered_step(self._iter_count)
        with np.printoptions(suppress=True):
            if self._formatter:
                info(self._formatter(values))
                return
            text = ", ".join("%s = %s" % (tag, values[tag]) for tag in self._tag_order)  # noqa: UP031 (str(), as TF: f-strings print a NumPy float32 as a float64)
            if elapsed is not None:
                info("%s (%.3f sec)", text, elapsed)
            else:
                info("%s", text)

    def after_run(self, run_context, run_values) -> None:
        if self._should_trigger:
            self._log_tensors(run_values.results)
        self._iter_count += 1

    def end(self, session) -> None:
        if self._log_at_end:
            self._log_tensors(session.run(self._current_tensors))


class StopAtStepHook(SessionRunHook):
    """Requests a stop once the global step reaches ``last_step`` (or ``num_steps`` past its
    value when the session was created)."""

    def __init__(self, num_steps: int | None = None, last_step: int | None = None) -> None:
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps = num_steps
        self._last_step = last_step

    def begin(self) -> None:
        self._global_step_tensor = require_global_step_read("StopAtStepHook")

    def after_create_session(self, session, coord) -> None:
        if self._last_step is None:
            assert self._num_steps is not None
            self._last_step = int(session.run(self._global_step_tensor)) + self._num_steps

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values) -> None:
        assert self._last_step is not None
        # (the step read before this run, + 1, then the real one)
        if (
            run_values.results + 1 >= self._last_step
            and run_context.session.run(self._global_step_tensor) >= self._last_step
        ):
            run_context.request_stop()


class StepCounterHook(SessionRunHook):
    """Logs ``global_step/sec: <rate>`` every N steps or seconds and writes it as a summary
    (tag ``global_step/sec``) to ``output_dir`` or ``summary_writer``."""

    def __init__(
        self,
        every_n_steps: int | None = 100,
        every_n_secs: float | None = None,
        output_dir: str | None = None,
        summary_writer: Any = None,
    ) -> None:
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("exactly one of every_n_steps and every_n_secs should be provided.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._steps_per_run = 1

    def _set_steps_per_run(self, steps_per_run: int) -> None:
        self._steps_per_run = steps_per_run

    def begin(self) -> None:
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = summary_writer(self._output_dir)
        self._global_step_tensor = require_global_step_read("StepCounterHook")
        step = get_global_step()
        assert step is not None
        self._summary_tag = step.op.name + "/sec"

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def _log_and_record(self, elapsed_steps: int, elapsed_time: float, global_step: int) -> None:
        steps_per_sec = elapsed_steps / elapsed_time
        if self._summary_writer is not None:
            Summary = protos().Summary
            summary = Summary(
                value=[Summary.Value(tag=self._summary_tag, simple_value=steps_per_sec)]
            )
            self._summary_writer.add_summary(summary, global_step)
        info("%s: %g", self._summary_tag, steps_per_sec)

    def after_run(self, run_context, run_values) -> None:
        if not self._timer.should_trigger_for_step(run_values.results + self._steps_per_run):
            return
        global_step = int(run_context.session.run(self._global_step_tensor))
        if self._timer.should_trigger_for_step(global_step):
            elapsed_time, elapsed_steps = self._timer.update_last_triggered_step(global_step)
            if elapsed_time is not None and elapsed_steps is not None:
                self._log_and_record(elapsed_steps, elapsed_time, global_step)


class NanLossDuringTrainingError(RuntimeError):
    """Raised by ``NanTensorHook`` when the loss is NaN."""

    def __str__(self) -> str:
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """Fetches ``loss_tensor`` every step; on NaN logs ``Model diverged with loss = NaN.`` and
    raises ``NanLossDuringTrainingError`` (or, with ``fail_on_nan_loss=False``, warns and
    requests a stop)."""

    def __init__(self, loss_tensor: Any, fail_on_nan_loss: bool = True) -> None:
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def before_run(self, run_context):
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context, run_values) -> None:
        if np.isnan(run_values.results):
            message = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                error(message)
                raise NanLossDuringTrainingError
            warning(message)
            run_context.request_stop()


class GlobalStepWaiterHook(SessionRunHook):
    """Delays the first ``run`` until the global step reaches ``wait_until_step`` (a worker
    waiting for the chief), polling every 0.5 s."""

    def __init__(self, wait_until_step: int) -> None:
        self._wait_until_step = wait_until_step

    def begin(self) -> None:
        self._worker_is_started = False
        self._global_step_tensor = require_global_step_read("_GlobalStepWaiterHook")

    def before_run(self, run_context):
        if self._worker_is_started:
            return None
        if self._wait_until_step <= 0:
            self._worker_is_started = True
            return None
        info("Waiting for global step %d before starting training.", self._wait_until_step)
        last_logged = 0
        while True:
            current = int(run_context.session.run(self._global_step_tensor))
            if current >= self._wait_until_step:
                self._worker_is_started = True
                return None
            if current - last_logged > 1000:
                info(
                    "Waiting for global step %d before starting training. Current step is %d.",
                    self._wait_until_step,
                    current,
                )
                last_logged = current
            time.sleep(0.5)


class FinalOpsHook(SessionRunHook):
    """Runs ``final_ops`` when the session ends; their values are ``final_ops_values``."""

    def __init__(self, final_ops: Any, final_ops_feed_dict: Any = None) -> None:
        self._final_ops = final_ops
        self._final_ops_feed_dict = final_ops_feed_dict
        self._final_ops_values: Any = None

    @property
    def final_ops_values(self) -> Any:
        return self._final_ops_values

    def end(self, session) -> None:
        if self._final_ops is None:
            return
        try:
            self._final_ops_values = session.run(
                self._final_ops, feed_dict=self._final_ops_feed_dict
            )
        except (errors.OutOfRangeError, StopIteration):
            warning(
                "An OutOfRangeError or StopIteration exception is raised by the code in "
                "FinalOpsHook. This typically means the Ops running by the FinalOpsHook have a "
                "dependency back to some input source, which should not happen."
            )
            raise


class FeedFnHook(SessionRunHook):
    """Feeds ``feed_fn()`` (a feed dict) into every ``run``."""

    def __init__(self, feed_fn: Any) -> None:
        self.feed_fn = feed_fn

    def before_run(self, run_context):
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())
