"""The ``SessionRunHook``s that write files: ``CheckpointSaverHook`` (with
``CheckpointSaverListener``), ``SummarySaverHook`` and ``ProfilerHook`` (Chrome trace
timelines), as in TF 1.x.

``CheckpointSaverHook`` saves ``<checkpoint_dir>/model.ckpt-<global step>`` when the session is
created, every ``save_steps`` steps or ``save_secs`` seconds, and at the end; it also writes
``graph.pbtxt`` and the graph and MetaGraphDef events to the directory's event file, and a
``SessionLog.CHECKPOINT`` event per save, logging ``Saving checkpoints for N into P.`` as TF.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from ..framework.graph import GraphKeys, get_collection, get_default_graph
from ..framework.protos import protos
from ..framework.run_protos import run_protos
from ..framework.tf_logging import info
from ..io.event_writer import write_graph
from .basic_session_run_hooks import SecondOrStepTimer, require_global_step_read, summary_writer
from .saver import _meta_graph_def
from .session_run_hook import SessionRunArgs, SessionRunHook


class CheckpointSaverListener:
    """Callbacks around the saves of a ``CheckpointSaverHook``: ``begin``, ``before_save``,
    ``after_save`` (returning True requests a stop), ``end``."""

    def begin(self) -> None:
        pass

    def before_save(self, session: Any, global_step_value: int) -> None:
        pass

    def after_save(self, session: Any, global_step_value: int) -> bool | None:
        pass

    def end(self, session: Any, global_step_value: int) -> None:
        pass


class CheckpointSaverHook(SessionRunHook):
    """Saves checkpoints every ``save_steps`` steps or ``save_secs`` seconds (exactly one).

    The Saver is ``saver``, else ``scaffold.saver``, else the only one in the ``savers``
    collection (a RuntimeError when there is none or several).
    """

    def __init__(
        self,
        checkpoint_dir: str,
        save_secs: float | None = None,
        save_steps: int | None = None,
        saver: Any = None,
        checkpoint_basename: str = "model.ckpt",
        scaffold: Any = None,
        listeners: Any = None,
        save_graph_def: bool = True,
    ) -> None:
        info("Create CheckpointSaverHook.")
        if saver is not None and scaffold is not None:
            raise ValueError("You cannot provide both saver and scaffold.")
        self._saver = saver
        self._checkpoint_dir = checkpoint_dir
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._listeners = list(listeners or [])
        self._steps_per_run = 1000000
        self._save_graph_def = save_graph_def

    def _set_steps_per_run(self, steps_per_run: int) -> None:
        self._steps_per_run = steps_per_run

    def begin(self) -> None:
        self._summary_writer = summary_writer(self._checkpoint_dir)
        self._global_step_tensor = require_global_step_read("CheckpointSaverHook")
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session, coord) -> None:
        global_step = int(session.run(self._global_step_tensor))
        graph = get_default_graph()
        if self._save_graph_def:
            write_graph(graph.as_graph_def(add_shapes=True), self._checkpoint_dir, "graph.pbtxt")
        self._get_saver()
        self._summary_writer.add_graph(graph)
        self._summary_writer.add_event(protos().Event(meta_graph_def=_meta_graph_def(graph)))
        self._save(session, global_step)  # the state at the start
        self._timer.update_last_triggered_step(global_step)

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values) -> None:
        if not self._timer.should_trigger_for_step(run_values.results + self._steps_per_run):
            return
        global_step = int(run_context.session.run(self._global_step_tensor))
        if self._timer.should_trigger_for_step(global_step):
            self._timer.update_last_triggered_step(global_step)
            if self._save(run_context.session, global_step):
                run_context.request_stop()

    def end(self, session) -> None:
        last_step = int(session.run(self._global_step_tensor))
        if last_step != self._timer.last_triggered_step():
            self._save(session, last_step)
        for listener in self._listeners:
            listener.end(session, last_step)

    def _save(self, session, step: int) -> bool:
        """Saves; True when a listener asked to stop."""
        info("Calling checkpoint listeners before saving checkpoint %d...", step)
        for listener in self._listeners:
            listener.before_save(session, step)
        info("Saving checkpoints for %d into %s.", step, self._save_path)
        self._get_saver().save(
            session, self._save_path, global_step=step, write_meta_graph=self._save_graph_def
        )
        SessionLog = protos().SessionLog
        self._summary_writer.add_session_log(
            SessionLog(status=SessionLog.CHECKPOINT, checkpoint_path=self._save_path), step
        )
        info("Calling checkpoint listeners after saving checkpoint %d...", step)
        should_stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                info(
                    "A CheckpointSaverListener requested that training be stopped. "
                    f"listener: {listener}"
                )
                should_stop = True
        return should_stop

    def _get_saver(self) -> Any:
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        savers = get_collection(GraphKeys.SAVERS)
        if not savers:
            raise RuntimeError(
                f"No items in collection {GraphKeys.SAVERS}. Please add a saver to the "
                "collection or provide a saver or scaffold."
            )
        if len(savers) > 1:
            raise RuntimeError(
                f"More than one item in collection {GraphKeys.SAVERS}. Please indicate which "
                "one to use by passing it to the constructor."
            )
        self._saver = savers[0]
        return self._saver


class SummarySaverHook(SessionRunHook):
    """Runs the summary op every ``save_steps`` steps or ``save_secs`` seconds and writes its
    result, at the global step after the run, to ``output_dir`` (or ``summary_writer``); the
    first run also writes a ``SessionLog.START`` event. Exactly one of ``scaffold`` (its
    ``summary_op``) and ``summary_op`` (a tensor or a list of them)."""

    def __init__(
        self,
        save_steps: int | None = None,
        save_secs: float | None = None,
        output_dir: str | None = None,
        summary_writer: Any = None,
        scaffold: Any = None,
        summary_op: Any = None,
    ) -> None:
        if (scaffold is None) == (summary_op is None):
            raise ValueError("Exactly one of scaffold or summary_op must be provided.")
        self._summary_op = summary_op
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self) -> None:
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = summary_writer(self._output_dir)
        self._next_step: int | None = None
        self._global_step_tensor = require_global_step_read("SummarySaverHook")

    def before_run(self, run_context):
        self._request_summary = self._next_step is None or self._timer.should_trigger_for_step(
            self._next_step
        )
        requests: dict = {"global_step": self._global_step_tensor}
        if self._request_summary:
            summary_op = self._get_summary_op()
            if summary_op is not None:
                requests["summary"] = summary_op
        return SessionRunArgs(requests)

    def after_run(self, run_context, run_values) -> None:
        if not self._summary_writer:
            return
        global_step = int(run_values.results["global_step"]) + 1
        if self._next_step is None or self._request_summary:
            global_step = int(run_context.session.run(self._global_step_tensor))
        if self._next_step is None:
            SessionLog = protos().SessionLog
            self._summary_writer.add_session_log(SessionLog(status=SessionLog.START), global_step)
        if self._request_summary:
            self._timer.update_last_triggered_step(global_step)
            for summary in run_values.results.get("summary", ()):
                self._summary_writer.add_summary(summary, global_step)
        self._next_step = global_step + 1

    def end(self, session=None) -> None:
        if self._summary_writer:
            self._summary_writer.flush()

    def _get_summary_op(self) -> list | None:
        op = self._summary_op if self._summary_op is not None else self._scaffold.summary_op
        if op is None:
            return None
        return op if isinstance(op, list) else [op]


_LABEL = re.compile(r"(.*) = (.*)\((.*)\)")


def chrome_trace(step_stats: Any) -> str:
    """The Chrome trace JSON (``chrome://tracing``) of ``step_stats``, in the form TF's
    ``timeline.Timeline(step_stats).generate_chrome_trace_format(show_memory=False)`` gives:
    the process names (Allocators, then ``<device> Compute`` and ``<device> Tensors``), then one
    ``X`` event per node (category ``Op``, named by op type, with its name and inputs),
    in lanes that never overlap. (Our step stats carry no tensor outputs, so there are no
    memory or dataflow events.)"""
    meta: list[dict] = [
        {"name": "process_name", "ph": "M", "pid": 0, "args": {"name": "Allocators"}}
    ]
    events: list[dict] = []
    pid = 1
    for dev in step_stats.dev_stats:
        compute_pid = pid
        for suffix in (" Compute", " Tensors"):
            meta.append(
                {
                    "name": "process_name",
                    "ph": "M",
                    "pid": pid,
                    "args": {"name": dev.device + suffix},
                }
            )
            pid += 1
        lanes = [0]  # the end time of each lane's last op
        for ns in dev.node_stats:
            start, dur = ns.all_start_micros, ns.all_end_rel_micros
            lane = next((i for i, end in enumerate(lanes) if start > end), len(lanes))
            if lane == len(lanes):
                lanes.append(0)
            lanes[lane] = start + dur
            m = _LABEL.match(ns.timeline_label)
            op = "unknown" if m is None else m.group(2)
            inputs = m.group(3).split(", ") if m is not None and m.group(3) else []
            args = {"name": ns.node_name, "op": op}
            args.update({f"input{i}": name for i, name in enumerate(inputs)})
            events.append(
                {
                    "ph": "X",
                    "cat": "Op",
                    "name": op,
                    "pid": compute_pid,
                    "tid": lane,
                    "ts": start,
                    "dur": dur,
                    "args": args,
                }
            )
    return json.dumps({"traceEvents": meta + events}, indent=4, separators=(",", ": "))


class ProfilerHook(SessionRunHook):
    """Traces a run (``RunOptions.FULL_TRACE``) every ``save_steps`` steps or ``save_secs``
    seconds and writes its timeline as ``<output_dir>/timeline-<global step>.json`` (Chrome
    trace format) and its ``RunMetadata`` to the event file (tag ``step_<N>``).
    ``show_memory`` is accepted; memory is not traced."""

    def __init__(
        self,
        save_steps: int | None = None,
        save_secs: float | None = None,
        output_dir: str = "",
        show_dataflow: bool = True,
        show_memory: bool = False,
    ) -> None:
        self._output_file = os.path.join(output_dir, "timeline-{}.json")
        self._file_writer = summary_writer(output_dir)
        self._show_dataflow = show_dataflow
        self._show_memory = show_memory
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self) -> None:
        self._next_step: int | None = None
        self._global_step_tensor = require_global_step_read("ProfilerHook")

    def before_run(self, run_context):
        self._request_summary = self._next_step is not None and self._timer.should_trigger_for_step(
            self._next_step
        )
        options = None
        if self._request_summary:
            RunOptions = run_protos().RunOptions
            options = RunOptions(trace_level=RunOptions.FULL_TRACE)
        return SessionRunArgs({"global_step": self._global_step_tensor}, options=options)

    def after_run(self, run_context, run_values) -> None:
        stale = int(run_values.results["global_step"])
        if self._next_step is None:
            self._timer.update_last_triggered_step(stale)
        global_step = stale + 1
        if self._request_summary:
            global_step = int(run_context.session.run(self._global_step_tensor))
            self._timer.update_last_triggered_step(global_step)
            path = self._output_file.format(global_step)
            info("Saving timeline for %d into '%s'.", global_step, path)
            with open(path, "w") as f:
                f.write(chrome_trace(run_values.run_metadata.step_stats))
            self._file_writer.add_run_metadata(run_values.run_metadata, f"step_{global_step}")
        self._next_step = global_step + 1
