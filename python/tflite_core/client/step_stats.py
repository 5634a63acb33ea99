"""``RunMetadata.step_stats`` of a traced run (``RunOptions(trace_level=FULL_TRACE)``): one
``NodeExecStats`` per plan step and per host op, in TF's form (what TensorBoard's trace viewer
and ``tensorflow.python.client.timeline`` read)."""

from __future__ import annotations

import threading
from typing import Any

from ..framework.graph import Graph

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"


def _label(graph: Graph, node: str, kernel: str) -> str:
    """TF's ``timeline_label``: ``name = Type(input, ...)``."""
    op = graph._ops_by_name.get(node)
    if op is None:  # (a plan's own step, such as a snapshot copy)
        return f"{node} = {kernel}()"
    ins = [t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}" for t in op.inputs]
    return f"{node} = {op.type}({', '.join(ins)})"


def fill_step_stats(run_metadata: Any, trace: list, graph: Graph) -> None:
    """Replaces ``run_metadata``'s contents with the step stats of ``trace``
    (``(node, kernel, start_ns, end_ns)`` per step, wall-clock nanoseconds)."""
    run_metadata.Clear()
    dev = run_metadata.step_stats.dev_stats.add()
    dev.device = DEVICE
    tid = threading.get_ident() & 0xFFFFFFFF
    for node, kernel, start, end in trace:
        s = dev.node_stats.add()
        s.node_name = node
        s.timeline_label = _label(graph, node, kernel)
        s.scheduled_micros, s.scheduled_nanos = start // 1000, start
        s.all_start_micros, s.all_start_nanos = start // 1000, start
        dur = max(0, end - start)
        s.op_start_rel_micros, s.op_start_rel_nanos = 0, 0
        s.op_end_rel_micros, s.op_end_rel_nanos = dur // 1000, dur
        s.all_end_rel_micros, s.all_end_rel_nanos = dur // 1000, dur
        s.thread_id = tid
