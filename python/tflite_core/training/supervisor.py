"""``tf.train.Supervisor`` (TF 1.x, deprecated there in favour of ``MonitoredTrainingSession``)
and ``tf.train.basic_train_loop``.

A Supervisor gathers the init, ready, local-init and summary ops, a Saver and the global step
(from the graph's collections, or made by default), finalizes the graph, and
``managed_session()`` gives a session restored from the latest checkpoint of ``logdir`` or
initialised, with the standard services running as threads of its ``Coordinator``: a checkpoint
every ``save_model_secs``, the summary op and the global step rate every
``save_summaries_secs`` (each runs once at once, then on its period). Leaving the block stops
the threads (an exception raised in it is re-raised after they stop).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.graph import GraphKeys, add_to_collection, get_collection, get_default_graph
from ..framework.protos import protos
from ..framework.tf_logging import INFO, info, log_first_n, warning
from ..io.event_writer import FileWriter, write_graph
from ..ops.check_ops import report_uninitialized_variables
from ..ops.control_flow_ops import group
from ..ops.lookup_ops import tables_initializer
from ..ops.summary_ops import merge_all
from ..ops.variables import (
    global_variables,
    global_variables_initializer,
    local_variables_initializer,
)
from .coordinator import Coordinator, LooperThread
from .saver import Saver, _meta_graph_def
from .session_manager import SessionManager
from .training_util import global_step as _global_step_value


def _first_in_collection(key: str) -> Any:
    items = get_collection(key)
    if len(items) > 1:
        info("Found %d %s operations. Returning the first one.", len(items), key)
    return items[0] if items else None


def _session_log(status: str, **kwargs: Any) -> Any:
    SessionLog = protos().SessionLog
    return SessionLog(status=getattr(SessionLog, status), **kwargs)


class Supervisor:
    """A training helper that initialises or restores the model and runs checkpoint and
    summary services (see the module docstring). ``USE_DEFAULT`` arguments come from the
    graph's collections or are built; None disables the piece."""

    USE_DEFAULT = 0

    def __init__(
        self,
        graph: Any = None,
        ready_op: Any = USE_DEFAULT,
        ready_for_local_init_op: Any = USE_DEFAULT,
        is_chief: bool = True,
        init_op: Any = USE_DEFAULT,
        init_feed_dict: Any = None,
        local_init_op: Any = USE_DEFAULT,
        logdir: str | None = None,
        summary_op: Any = USE_DEFAULT,
        saver: Any = USE_DEFAULT,
        global_step: Any = USE_DEFAULT,
        save_summaries_secs: float = 120,
        save_model_secs: float = 600,
        recovery_wait_secs: float = 30,
        stop_grace_secs: float = 120,
        checkpoint_basename: str = "model.ckpt",
        session_manager: SessionManager | None = None,
        summary_writer: Any = USE_DEFAULT,
        init_fn: Any = None,
        local_init_run_options: Any = None,
    ) -> None:
        graph = graph if graph is not None else get_default_graph()
        default = Supervisor.USE_DEFAULT
        with graph.as_default():
            if ready_op is default:
                ready_op = _first_in_collection(GraphKeys.READY_OP)
                if ready_op is None:
                    ready_op = report_uninitialized_variables()
                    add_to_collection(GraphKeys.READY_OP, ready_op)
            if ready_for_local_init_op is default:
                ready_for_local_init_op = _first_in_collection(GraphKeys.READY_FOR_LOCAL_INIT_OP)
            if init_op is default:
                init_op = _first_in_collection(GraphKeys.INIT_OP)
                if init_op is None:
                    init_op = global_variables_initializer()
                    add_to_collection(GraphKeys.INIT_OP, init_op)
            if local_init_op is default:
                local_init_op = _first_in_collection(GraphKeys.LOCAL_INIT_OP)
                if local_init_op is None:
                    local_init_op = group(local_variables_initializer(), tables_initializer())
                    add_to_collection(GraphKeys.LOCAL_INIT_OP, local_init_op)
            if saver is default:
                saver = _first_in_collection(GraphKeys.SAVERS)
                if saver is None and global_variables():
                    saver = Saver()
                    add_to_collection(GraphKeys.SAVERS, saver)
            if summary_op is default:
                summary_op = _first_in_collection(GraphKeys.SUMMARY_OP)
                if summary_op is None:
                    summary_op = merge_all()
                    if summary_op is not None:
                        add_to_collection(GraphKeys.SUMMARY_OP, summary_op)
            if global_step is default:
                global_step = _first_in_collection(GraphKeys.GLOBAL_STEP)
                if global_step is None:
                    global_step = self._default_global_step_tensor(graph)
                    if global_step is not None:
                        add_to_collection(GraphKeys.GLOBAL_STEP, global_step)
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._local_init_op = local_init_op
        self._saver = saver
        self._summary_op = summary_op
        self._global_step = global_step
        self._graph = graph
        self._meta_graph_def = _meta_graph_def(graph)
        self._is_chief = is_chief
        self._coord = Coordinator()
        self._recovery_wait_secs = recovery_wait_secs
        self._stop_grace_secs = stop_grace_secs
        self._init_fn = init_fn
        self._local_init_run_options = local_init_run_options
        self._logdir: str | None = None
        self._save_summaries_secs: float | None = None
        self._save_model_secs: float | None = None
        self._save_path: str | None = None
        self._summary_writer: Any = None
        if is_chief:
            self._logdir = logdir
            self._save_summaries_secs = save_summaries_secs
            self._save_model_secs = save_model_secs
            if logdir:
                self._save_path = os.path.join(logdir, checkpoint_basename)
            if summary_writer is default:
                if logdir:
                    self._summary_writer = FileWriter(logdir)
            else:
                self._summary_writer = summary_writer
            self._graph_added_to_summary = False
        self._session_manager = session_manager or SessionManager(
            local_init_op=local_init_op,
            ready_op=ready_op,
            ready_for_local_init_op=ready_for_local_init_op,
            graph=graph,
            recovery_wait_secs=recovery_wait_secs,
            local_init_run_options=local_init_run_options,
        )
        if not is_chief:
            for op in graph.get_operations():
                if op.type in ("Variable", "VariableV2") and not op.device:
                    raise ValueError(
                        f"When using replicas, all Variables must have their device set: {op}"
                    )
        graph.finalize()

    @staticmethod
    def _default_global_step_tensor(graph: Any) -> Any:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except (KeyError, ValueError):
            return None
        if step.dtype.base_dtype in (_dt.int32, _dt.int64):
            return step
        warning("Found 'global_step' is not an int type: %s", step.dtype)
        return None

    # -- properties -----------------------------------------------------------------------------
    is_chief = property(lambda self: self._is_chief)
    session_manager = property(lambda self: self._session_manager)
    coord = property(lambda self: self._coord)
    init_op = property(lambda self: self._init_op)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    summary_writer = property(lambda self: self._summary_writer)
    summary_op = property(lambda self: self._summary_op)
    save_summaries_secs = property(lambda self: self._save_summaries_secs)
    global_step = property(lambda self: self._global_step)
    saver = property(lambda self: self._saver)
    save_model_secs = property(lambda self: self._save_model_secs)
    save_path = property(lambda self: self._save_path)

    # -- sessions and services ------------------------------------------------------------------
    def _write_graph(self) -> None:
        if self._logdir:
            write_graph(self._graph.as_graph_def(add_shapes=True), self._logdir, "graph.pbtxt")
        if self._summary_writer and not self._graph_added_to_summary:
            self._summary_writer.add_graph(self._graph)
            self._summary_writer.add_event(protos().Event(meta_graph_def=self._meta_graph_def))
            self._graph_added_to_summary = True

    def start_standard_services(self, sess: Any) -> list | None:
        """Starts the checkpoint, summary and step-rate threads (the chief only)."""
        if not self._is_chief:
            raise RuntimeError(
                "Only chief supervisor can start standard services. Because only chief "
                "supervisors can write events."
            )
        if not self._logdir:
            warning("Standard services need a 'logdir' passed to the SessionManager")
            return None
        if self._global_step is not None and self._summary_writer:
            step = _global_step_value(sess, self._global_step)
            self._summary_writer.add_session_log(_session_log("START"), step)
        threads: list = []
        if self._save_summaries_secs and self._summary_writer:
            if self._summary_op is not None:
                threads.append(_SummaryThread(self, sess))
            if self._global_step is not None:
                threads.append(_StepCounterThread(self, sess))
        if self._saver and self._save_model_secs:
            threads.append(_CheckpointThread(self, sess))
        for t in threads:
            t.start()
        return threads

    def prepare_or_wait_for_session(
        self,
        master: str = "",
        config: Any = None,
        wait_for_checkpoint: bool = False,
        max_wait_secs: float = 7200,
        start_standard_services: bool = True,
    ) -> Any:
        """The chief's session restored or initialised (then the services start); a
        worker's once the chief made the model ready."""
        self._coord.clear_stop()
        if self._summary_writer:
            self._summary_writer.reopen()
        if self._is_chief:
            sess = self._session_manager.prepare_session(
                master,
                init_op=self._init_op,
                saver=self._saver,
                checkpoint_dir=self._logdir,
                wait_for_checkpoint=wait_for_checkpoint,
                max_wait_secs=max_wait_secs,
                config=config,
                init_feed_dict=self._init_feed_dict,
                init_fn=self._init_fn,
            )
            self._write_graph()
            if start_standard_services:
                info("Starting standard services.")
                self.start_standard_services(sess)
        else:
            sess = self._session_manager.wait_for_session(
                master, config=config, max_wait_secs=max_wait_secs
            )
        if start_standard_services:
            info("Starting queue runners.")
            self.start_queue_runners(sess)
        return sess

    def start_queue_runners(self, sess: Any, queue_runners: Any = None) -> list:
        """Starts the threads of the queue runners (default: the ``queue_runners``
        collection) under this Supervisor's coordinator."""
        if queue_runners is None:
            queue_runners = self._graph.get_collection(GraphKeys.QUEUE_RUNNERS)
        threads: list = []
        for qr in queue_runners:
            threads.extend(qr.create_threads(sess, coord=self._coord, daemon=True, start=True))
        return threads

    def loop(self, timer_interval_secs: float, target: Any, args: Any = None, kwargs: Any = None):
        """Starts a ``LooperThread`` calling ``target`` every ``timer_interval_secs``."""
        looper = LooperThread(
            self._coord, timer_interval_secs, target=target, args=args, kwargs=kwargs
        )
        looper.start()
        return looper

    def stop(
        self,
        threads: Any = None,
        close_summary_writer: bool = True,
        ignore_live_threads: bool = False,
    ) -> None:
        """Stops the services and joins them (re-raising a reported exception); writes a
        ``SessionLog.STOP`` and closes the summary writer."""
        self._coord.request_stop()
        try:
            self._coord.join(
                threads,
                stop_grace_period_secs=self._stop_grace_secs,
                ignore_live_threads=ignore_live_threads,
            )
        finally:
            if close_summary_writer and self._summary_writer:
                self._summary_writer.add_session_log(_session_log("STOP"))
                self._summary_writer.close()
                self._graph_added_to_summary = False

    def request_stop(self, ex: Any = None) -> None:
        self._coord.request_stop(ex=ex)

    def should_stop(self) -> bool:
        return self._coord.should_stop()

    def stop_on_exception(self) -> Any:
        return self._coord.stop_on_exception()

    def wait_for_stop(self) -> None:
        self._coord.wait_for_stop()

    def summary_computed(self, sess: Any, summary: Any, global_step: Any = None) -> None:
        """Writes a summary computed by the caller (at the global step by default)."""
        if not self._summary_writer:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self._global_step is not None:
            global_step = _global_step_value(sess, self._global_step)
        self._summary_writer.add_summary(summary, global_step)

    @contextlib.contextmanager
    def managed_session(
        self,
        master: str = "",
        config: Any = None,
        start_standard_services: bool = True,
        close_summary_writer: bool = True,
    ) -> Iterator[Any]:
        """A session for a ``with`` block; on leaving it the services stop and the session
        closes, and an exception of the block is re-raised (``OutOfRangeError``: none)."""
        sess = None
        try:
            sess = self.prepare_or_wait_for_session(
                master=master, config=config, start_standard_services=start_standard_services
            )
            yield sess
        except Exception as e:  # (reported to the coordinator; stop() re-raises it)
            self.request_stop(e)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                if sess is not None:
                    with contextlib.suppress(Exception):
                        sess.close()

    # TF 0.x names
    PrepareSession = prepare_or_wait_for_session
    StartQueueRunners = start_queue_runners
    StartStandardServices = start_standard_services
    Stop = stop
    RequestStop = request_stop
    Loop = loop
    ShouldStop = should_stop
    StopOnException = stop_on_exception
    WaitForStop = wait_for_stop
    SummaryComputed = summary_computed


class _SummaryThread(LooperThread):
    """Runs the summary op (with the global step) and writes it."""

    def __init__(self, sv: Supervisor, sess: Any) -> None:
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv = sv
        self._sess = sess

    def run_loop(self) -> None:
        if self._sv.global_step is not None:
            summary, step = self._sess.run([self._sv.summary_op, self._sv.global_step])
        else:
            summary, step = self._sess.run(self._sv.summary_op), None
        if self._sv.summary_writer:
            info("Recording summary at step %s.", step)
            self._sv.summary_writer.add_summary(summary, step)


class _StepCounterThread(LooperThread):
    """Writes (and logs, the first 10 times) ``global_step/sec``."""

    def __init__(self, sv: Supervisor, sess: Any, step_counter: Any = None) -> None:
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv = sv
        self._sess = sess
        self._step_counter = sv.global_step if step_counter is None else step_counter
        self._summary_tag = f"{self._step_counter.op.name}/sec"
        self._last_time = 0.0
        self._last_step = 0

    def start_loop(self) -> None:
        self._last_time = time.time()
        self._last_step = _global_step_value(self._sess, self._step_counter)

    def run_loop(self) -> None:
        step = _global_step_value(self._sess, self._step_counter)
        added, self._last_step = step - self._last_step, step
        now = time.time()
        elapsed, self._last_time = now - self._last_time, now
        rate = added / elapsed if elapsed > 0.0 else float("inf")
        Summary = protos().Summary
        if self._sv.summary_writer:
            summary = Summary(value=[Summary.Value(tag=self._summary_tag, simple_value=rate)])
            self._sv.summary_writer.add_summary(summary, step)
        log_first_n(INFO, "%s: %g", 10, self._summary_tag, rate)


class _CheckpointThread(LooperThread):
    """Saves a checkpoint (``save_path-<global step>``)."""

    def __init__(self, sv: Supervisor, sess: Any) -> None:
        super().__init__(sv.coord, sv.save_model_secs)
        self._sv = sv
        self._sess = sess

    def run_loop(self) -> None:
        info("Saving checkpoint to path %s", self._sv.save_path)
        self._sv.saver.save(self._sess, self._sv.save_path, global_step=self._sv.global_step)
        if self._sv.summary_writer and self._sv.global_step is not None:
            step = _global_step_value(self._sess, self._sv.global_step)
            self._sv.summary_writer.add_session_log(
                _session_log("CHECKPOINT", checkpoint_path=self._sv.save_path), step
            )


def basic_train_loop(
    supervisor: Supervisor,
    train_step_fn: Any,
    args: Any = None,
    kwargs: Any = None,
    master: str = "",
) -> None:
    """Calls ``train_step_fn(sess, *args, **kwargs)`` in a ``supervisor.managed_session`` until
    the supervisor should stop; starts over after an ``AbortedError``."""
    args = list(args or [])
    kwargs = dict(kwargs or {})
    while True:
        try:
            with supervisor.managed_session(master) as sess:
                while not supervisor.should_stop():
                    train_step_fn(sess, *args, **kwargs)
            return
        except errors.AbortedError:
            continue
