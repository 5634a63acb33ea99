"""``tf.GPUOptions``, ``tf.GraphOptions`` and ``tf.OptimizerOptions``: the option messages TF 1.x
programs put in a ``ConfigProto`` (``gpu_options=tf.GPUOptions(allow_growth=True)``), with TF's
field names and defaults. tflite_core runs on the CPU and compiles its own plans, so
these are recorded, not acted on (``ConfigProto.intra_op_parallelism_threads`` is the one that
sets the kernels' threads)."""

from __future__ import annotations

from typing import Any, ClassVar


class _Options:
    """Keyword fields with defaults; unknown names are TF's ValueError."""

    _FIELDS: ClassVar[dict[str, Any]] = {}

    def __init__(self, **kwargs: Any) -> None:
        for k, v in self._FIELDS.items():
            setattr(self, k, v() if callable(v) else v)
        for k, v in kwargs.items():
            if k not in self._FIELDS:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{k}" field.')
            setattr(self, k, v)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class OptimizerOptions(_Options):
    """Graph optimizer settings (``opt_level``, ``do_constant_folding``, ``global_jit_level``)."""

    L1, L0 = 0, -1  # Level
    DEFAULT, OFF, ON_1, ON_2 = 0, -1, 1, 2  # GlobalJitLevel
    _FIELDS: ClassVar[dict[str, Any]] = {
        "do_common_subexpression_elimination": False,
        "do_constant_folding": False,
        "max_folded_constant_in_bytes": 0,
        "do_function_inlining": False,
        "opt_level": 0,
        "global_jit_level": 0,
        "cpu_global_jit": False,
    }


class RewriterConfig(_Options):
    """Grappler's settings (``GraphOptions.rewrite_options``), TF's fields and enum values.

    The fields acted on each turn off what TF's optimizer of the same name does:
    ``memory_optimization=NO_MEM_OPT`` the sharing of plan buffers between tensors whose
    lifetimes do not overlap (``client/compiler.py``), ``remapping=OFF`` the fused steps (a
    convolution with its bias and activation, trees of elementwise ops: ``client/fusion.py``,
    ``client/elementwise_fusion.py``), ``constant_folding=OFF`` and
    ``arithmetic_optimization=OFF`` constant folding and the deduplication of common
    subexpressions (``client/simplify.py``); ``disable_meta_optimizer=True`` all of them.
    Other values keep them on."""

    DEFAULT_MEM_OPT, NO_MEM_OPT, MANUAL, HEURISTICS = 0, 1, 2, 3  # MemOptType
    SWAPPING_HEURISTICS, RECOMPUTATION_HEURISTICS, SCHEDULING_HEURISTICS = 4, 5, 6
    DEFAULT, ON, OFF, AGGRESSIVE = 0, 1, 2, 3  # Toggle
    _FIELDS: ClassVar[dict[str, Any]] = {
        "layout_optimizer": 0,
        "constant_folding": 0,
        "arithmetic_optimization": 0,
        "dependency_optimization": 0,
        "remapping": 0,
        "memory_optimization": 0,
        "disable_model_pruning": False,
        "disable_meta_optimizer": False,
        "min_graph_nodes": 0,
    }


class GraphOptions(_Options):
    """Graph settings; ``optimizer_options`` an OptimizerOptions, ``rewrite_options`` a
    RewriterConfig."""

    _FIELDS: ClassVar[dict[str, Any]] = {
        "enable_recv_scheduling": False,
        "optimizer_options": OptimizerOptions,
        "rewrite_options": RewriterConfig,
        "build_cost_model": 0,
        "build_cost_model_after": 0,
        "infer_shapes": False,
        "place_pruned_graph": False,
        "enable_bfloat16_sendrecv": False,
        "timeline_step": 0,
    }


class GPUOptions(_Options):
    """GPU memory settings (``allow_growth``, ``per_process_gpu_memory_fraction``, ...)."""

    _FIELDS: ClassVar[dict[str, Any]] = {
        "per_process_gpu_memory_fraction": 0.0,
        "allow_growth": False,
        "allocator_type": "",
        "deferred_deletion_bytes": 0,
        "visible_device_list": "",
        "polling_active_delay_usecs": 0,
        "polling_inactive_delay_msecs": 0,
        "force_gpu_compatible": False,
    }
