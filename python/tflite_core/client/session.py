"""``Session`` and ``InteractiveSession``.

``run`` normalises fetches and feeds, prunes the graph to what the fetches need (fed tensors cut
it), schedules the ops (variable updates after every read that does not depend on them), infers
concrete shapes, and compiles a C++ plan: buffer slots plus a list of kernel steps
(``executable.py``, ``compiler.py``, ``fusion.py``). Plans are cached per (fetches, feeds) and per
feed shapes and run by one call that releases the GIL, so a training step costs a few
microseconds of Python and allocates nothing but its returned fetches.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import numpy as np

from ..framework import nest
from ..framework.graph import Graph, Operation, Tensor, default_session, get_default_graph
from ..framework.runtime import core, set_fpmath_mode, set_num_threads
from .buffers import aligned_buffer
from .config_options import GPUOptions, GraphOptions
from .executable import LEAVES, fetch_key, make_executable
from .partial_run import PartialRuns
from .plan_cache import PlanCache
from .step_stats import fill_step_stats

if TYPE_CHECKING:
    from ..framework.type_aliases import FeedDict, TensorConvertible

_S = TypeVar("_S", bound="BaseSession")

MAX_EXECUTABLES = 1024
"""(fetches, feed keys) signatures a Session keeps pruned and scheduled (least recently created
go first); their compiled plans are bounded by ``plan_cache``."""


class ConfigProto:
    """Session options; ``intra_op_parallelism_threads`` sets the kernel thread count and
    ``fpmath_mode`` (tflite_core's field: ``"strict"`` or ``"bf16"``, see ``tf.set_fpmath_mode``)
    the float32 maths of matrix products and convolutions. Both are process-wide settings that a
    Session made with this config applies when it is created."""

    def __init__(
        self,
        intra_op_parallelism_threads: int = 0,
        inter_op_parallelism_threads: int = 0,
        allow_soft_placement: bool = False,
        log_device_placement: bool = False,
        fpmath_mode: str = "",
        **kwargs: Any,
    ) -> None:
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        self.fpmath_mode = fpmath_mode
        self.gpu_options = GPUOptions()
        self.graph_options = GraphOptions()
        for k, v in kwargs.items():
            setattr(self, k, v)


class BaseSession:
    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None) -> None:
        self._graph = graph if graph is not None else get_default_graph()
        if not isinstance(self._graph, Graph):
            raise TypeError(f"graph must be a tf.Graph, but got {type(self._graph)}")
        self._closed = False
        self._cache: OrderedDict = OrderedDict()  # (fetches, feed keys) -> Executable, LRU
        self._plans = PlanCache()
        self._vars: dict = {}
        self._initialized: set = set()
        self._counters: dict = {}
        self._lock = threading.Lock()
        self._run_lock = core.RunLock()
        self._seed_base = int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF
        self._config = config
        threads = getattr(config, "intra_op_parallelism_threads", 0) if config is not None else 0
        if threads:
            set_num_threads(int(threads))
        fpmath = getattr(config, "fpmath_mode", "") if config is not None else ""
        if fpmath:
            set_fpmath_mode(fpmath)
        # plan buffers shared by tensors whose lifetimes do not overlap, unless the config turns
        # TF's memory optimizer off (RewriterConfig.NO_MEM_OPT)
        rewrite = getattr(getattr(config, "graph_options", None), "rewrite_options", None)
        # every rewrite off: the config's disable_meta_optimizer, as in TF, or the environment
        # (TFLITE_CORE_GRAPH_REWRITES=off: CI runs the op table so too)
        on = not getattr(rewrite, "disable_meta_optimizer", False)
        on = on and os.environ.get("TFLITE_CORE_GRAPH_REWRITES", "on") != "off"
        self._share_buffers = on and getattr(rewrite, "memory_optimization", 0) != 1
        # fused steps (a convolution with its bias and activation, trees of elementwise ops)
        # unless the config turns TF's remapper off (RewriterConfig.OFF); constant folding
        # and the deduplication of common subexpressions likewise (client/simplify.py)
        self._fuse_ops = on and getattr(rewrite, "remapping", 0) != 2
        self._fold_constants = on and getattr(rewrite, "constant_folding", 0) != 2
        self._dedup_ops = on and getattr(rewrite, "arithmetic_optimization", 0) != 2
        self._default_cms: list = []
        self._partial_runs = PartialRuns(self)
        self._resources: dict = {}  # per-session state of host ops (framework/host_context.py)

    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def graph_def(self) -> Any:
        return self._graph.as_graph_def()

    @property
    def sess_str(self) -> str:
        return ""

    def as_default(self) -> default_session:
        """A context manager that makes this session the default (``Tensor.eval`` uses it)."""
        return default_session(self)

    @overload
    def run(
        self,
        fetches: Tensor | TensorConvertible,
        feed_dict: FeedDict | None = None,
        options: Any = None,
        run_metadata: Any = None,
    ) -> np.ndarray: ...
    @overload
    def run(
        self,
        fetches: Operation,
        feed_dict: FeedDict | None = None,
        options: Any = None,
        run_metadata: Any = None,
    ) -> None: ...
    @overload
    def run(
        self,
        fetches: Any,
        feed_dict: FeedDict | None = None,
        options: Any = None,
        run_metadata: Any = None,
    ) -> Any: ...

    def run(
        self,
        fetches: Any,
        feed_dict: FeedDict | None = None,
        options: Any = None,
        run_metadata: Any = None,
    ) -> Any:
        """Runs the ops needed for ``fetches`` and returns their values in the same structure.

        ``fetches``: a Tensor, Operation, Variable or name, or nested lists/tuples/dicts/namedtuples
        of them. ``feed_dict``: Tensor (or name) -> value, replacing that tensor's value.
        A Tensor's (or Variable's) value is a NumPy array (typed ``np.ndarray``; a 0-d one is a
        NumPy scalar, as in TF, which has the array's attributes); an Operation's is ``None``.
        ``options``: a ``tf.RunOptions``; with a ``trace_level`` above ``NO_TRACE``,
        ``run_metadata`` (a ``tf.RunMetadata``) receives the run's ``step_stats`` (one entry per
        plan step and host op, with its start and duration).
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if self._graph.version == 0:
            raise RuntimeError(
                "The Session graph is empty. Add operations to the graph before calling run()."
            )
        if feed_dict and any(type(k) is not str and isinstance(k, tuple) for k in feed_dict):
            feed_dict = flatten_feed_dict(feed_dict)
        feed_keys = tuple(feed_dict) if feed_dict else ()
        key: tuple | None = (fetches if type(fetches) in LEAVES else fetch_key(fetches), feed_keys)
        try:
            exe = self._cache.get(key)
        except TypeError:
            exe, key = None, None
        if exe is None:
            exe = make_executable(self, fetches, feed_keys)
            if key is not None:
                self._cache[key] = exe
                if len(self._cache) > MAX_EXECUTABLES:
                    self._cache.popitem(last=False)  # its plans go with the PlanCache's order
        if run_metadata is None or not getattr(options, "trace_level", 0):
            return exe.run(feed_dict)
        trace: list = []
        out = exe.run(feed_dict, trace)
        fill_step_stats(run_metadata, trace, self._graph)
        return out

    def partial_run_setup(self, fetches: Any, feeds: Any = None) -> str:
        """Starts a partial run that will fetch ``fetches`` and be fed ``feeds`` over several
        ``partial_run`` calls; returns its handle."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        return self._partial_runs.setup(fetches, feeds)

    def partial_run(self, handle: str, fetches: Any, feed_dict: FeedDict | None = None) -> Any:
        """One step of the partial run ``handle``: feeds some of its feeds, fetches some of its
        fetches; what earlier steps computed is not computed again."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        return self._partial_runs.run(handle, fetches, feed_dict)

    def close(self) -> None:
        """Frees the session's variables and plans; later runs raise RuntimeError."""
        self._closed = True
        resources, self._resources = self._resources, {}
        for r in resources.values():  # (iterators stop their prefetch threads)
            close = getattr(r, "close", None)
            if close is not None:
                close()
        self._cache.clear()
        self._plans.clear()
        self._vars.clear()

    def resources(self) -> dict:
        """The state host ops keep in this session (an iterator's position), by key."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        return self._resources

    def function_session(self, graph: Graph) -> BaseSession:
        """A session that runs ``graph`` (a dataset function's body) for host ops of this one:
        its random streams drawn from this session's seed; closed with it."""
        key = ("function_session", graph)
        sub = self._resources.get(key)
        if sub is None:
            with self._lock:
                sub = self._resources.get(key)
                if sub is None:
                    sub = BaseSession(graph=graph, config=self._config)
                    sub._seed_base = (self._seed_base * 31 + len(self._resources) + 1) & 0x7FFFFFFF
                    self._resources[key] = sub
        return sub

    def _variable_buffer(self, var_op: Operation, shape: Any) -> np.ndarray:
        with self._lock:
            buf = self._vars.get(var_op)
            if buf is None:
                buf = aligned_buffer(tuple(shape), var_op.outputs[0].dtype.np, var_op)
                buf[...] = 0
                self._vars[var_op] = buf
            elif buf.shape != tuple(shape):
                raise ValueError(f"Variable {var_op.name} has shape {buf.shape}, not {shape}")
            return buf

    def _random_counter(self, op: Operation) -> np.ndarray:
        with self._lock:
            c = self._counters.get(op)
            if c is None:  # the run index, then any state the op keeps (learned counts)
                size = 1 + int(op._attrs.get("rng_state_size", 0))
                c = self._counters[op] = np.zeros(size, np.int64)
            return c

    def _load_variable(self, var: Any, value: Any) -> None:
        op = var.op
        buf = self._variable_buffer(op, var.shape.as_list())
        v = np.asarray(value, dtype=buf.dtype)
        if v.shape != buf.shape:
            raise ValueError(
                f"Cannot load value of shape {v.shape} into variable {var.name} of "
                f"shape {buf.shape}"
            )
        buf[...] = v
        self._initialized.add(op)

    def __enter__(self: _S) -> _S:
        g = self._graph.as_default()
        s = self.as_default()
        g.__enter__()
        s.__enter__()
        self._default_cms.append((g, s))
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> Literal[False]:
        g, s = self._default_cms.pop()
        s.__exit__(exc_type, exc, tb)
        g.__exit__(exc_type, exc, tb)
        self.close()
        return False


class Session(BaseSession):
    """A session: ``sess = tf.Session(); sess.run(relu_out)``; or ``with tf.Session() as sess:``."""


class InteractiveSession(BaseSession):
    """A session that installs itself as the default on creation (for ``eval()`` in a shell)."""

    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None) -> None:
        super().__init__(target, graph, config)
        self._g_cm = self._graph.as_default()
        self._s_cm: default_session | None = self.as_default()
        self._g_cm.__enter__()
        self._s_cm.__enter__()

    def close(self) -> None:
        if not self._closed and self._s_cm is not None:
            self._s_cm.__exit__(None, None, None)
            with contextlib.suppress(IndexError):
                self._g_cm.__exit__(None, None, None)
            self._s_cm = None
        super().close()


def flatten_feed_dict(feed_dict: Any) -> dict:
    """TF's nested feed keys (``nest.flatten_dict_items``): a tuple key (an ``LSTMStateTuple`` of
    placeholders, nested tuples) and its value are both flattened (lists in the value too, as
    TF) and paired in order; their lengths must agree."""
    out: dict = {}
    for k, v in feed_dict.items():
        if type(k) is str or not isinstance(k, tuple):
            out[k] = v
            continue
        keys, values = nest.flatten(k), nest.flatten(v)
        if len(keys) != len(values):
            raise ValueError(
                f"Could not flatten dictionary. Key had {len(keys)} elements, but value had "
                f"{len(values)} elements. Key: {keys}, value: {values}."
            )
        out.update(zip(keys, values))
    return out
