"""``Session.partial_run_setup`` / ``Session.partial_run``: one graph execution fed and fetched
in several steps.

Each step runs what its fetches need beyond what earlier steps computed: it also fetches every
numeric value its ops compute (but the variables' own tensors), and later steps feed those
values back, so an op whose output was computed (a random draw, a ``py_func``) runs once per
partial run, as in TF. (An op without outputs that a later step reaches again only through a
control dependency runs again.)
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ..framework import errors
from ..framework.graph import Operation, Tensor
from ..framework.registry import OpKind
from .executable import _Fetches
from .op_kinds import exec_inputs

_IDS = itertools.count()


class _State:
    def __init__(self, fetches: set, feeds: set) -> None:
        self.fetches = fetches
        self.feeds = feeds
        self.fed: set = set()
        self.values: dict = {}  # tensor -> its value in this partial run


class PartialRuns:
    """A Session's partial runs, by handle."""

    def __init__(self, sess: Any) -> None:
        self._sess = sess
        self._runs: dict[str, _State] = {}

    def setup(self, fetches: Any, feeds: Any = None) -> str:
        g = self._sess.graph
        elements = set(_Fetches(fetches, g).elements)
        feed_ts = set()
        for f in feeds or []:
            t = g.as_graph_element(f, allow_operation=False)
            feed_ts.add(t)
        names = sorted(t.name for t in feed_ts)
        outs = sorted(e.name for e in elements)
        handle = f"{','.join(names)}->{','.join(outs)}//{next(_IDS)}"
        self._runs[handle] = _State(elements, feed_ts)
        return handle

    def run(self, handle: str, fetches: Any, feed_dict: Any = None) -> Any:
        state = self._runs.get(handle)
        if state is None:
            raise errors.InvalidArgumentError(
                None, None, "Must run 'setup' before performing partial runs!"
            )
        g = self._sess.graph
        new: dict = {}
        for k, v in (feed_dict or {}).items():
            t = g.as_graph_element(k, allow_operation=False)
            if t not in state.feeds:
                raise errors.InvalidArgumentError(
                    None, None, f"The feed {t.name} was not specified in partial_run_setup."
                )
            if t in state.fed:
                raise errors.InvalidArgumentError(
                    None, None, f"The feed {t.name} has already been fed."
                )
            new[t] = np.asarray(v, dtype=t.dtype.np)
        elements = _Fetches(fetches, g).elements
        for e in elements:
            if e not in state.fetches:
                raise errors.InvalidArgumentError(
                    None, None, f"The fetch {e.name} was not specified in partial_run_setup."
                )
        known = {**state.values, **new}
        executed = self._executed(elements, known)
        extras = [
            t
            for op in sorted(executed, key=lambda o: o._id)
            if op._def.kind not in (OpKind.VARIABLE, OpKind.ASSIGN)
            for t in op._outputs
            if t not in known and t.dtype.np.kind in "fiub" and t not in elements
        ]
        result, extra_values = self._sess.run([fetches, extras], feed_dict=known)
        state.fed.update(new)
        state.values.update(new)
        state.values.update(zip(extras, (np.asarray(v) for v in extra_values)))
        for e, v in zip(elements, _flat_values(result, fetches, g)):
            if isinstance(e, Tensor) and v is not None and e.dtype.np.kind in "fiub":
                state.values[e] = np.asarray(v)
        return result

    def _executed(self, elements: list, known: dict) -> set:
        """The ops a step runs, given the values ``known``; TF's InvalidArgumentError when one
        needs a placeholder not fed yet."""
        ops: set = set()
        stack = [e.op if isinstance(e, Tensor) else e for e in elements if e not in known]
        while stack:
            op = stack.pop()
            if op in ops:
                continue
            ops.add(op)
            if op._def.kind is OpKind.PLACEHOLDER:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Fetch {op._outputs[0].name} can't be computed from the feeds that have "
                    "been fed so far.",
                )
            for t in exec_inputs(op):
                if t not in known:
                    stack.append(t.op)
            stack.extend(c for c in op._control_inputs if isinstance(c, Operation))
        return ops


def _flat_values(result: Any, fetches: Any, graph: Any) -> list:
    """The values of ``_Fetches(fetches).elements`` out of a run's structured ``result``."""
    fm = _Fetches(fetches, graph)
    out: dict = {}

    def walk(f: Any, r: Any) -> None:
        if (isinstance(f, (list, tuple)) and not hasattr(f, "_fields")) or isinstance(f, tuple):
            for a, b in zip(f, r):
                walk(a, b)
        elif isinstance(f, dict):
            for k in f:
                walk(f[k], r[k])
        else:
            out[graph.as_graph_element(f)] = r

    walk(fetches, result)
    return [out.get(e) for e in fm.elements]
