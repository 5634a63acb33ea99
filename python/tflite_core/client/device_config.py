"""``tf.config``: the devices a program can see (tflite_core runs on the CPU: one physical and one
logical device, ``/physical_device:CPU:0`` and ``/device:CPU:0``) and the thread settings
(``threading.set_intra_op_parallelism_threads`` sets the kernels' thread count)."""

from __future__ import annotations

import collections
import os
from typing import Any

from ..framework import runtime

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])

_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_state: dict[str, Any] = {"visible": [_CPU], "soft_placement": True, "inter_op": 0, "intra_op": 0}


def list_physical_devices(device_type: str | None = None) -> list:
    """The CPU (for ``device_type`` None or "CPU"); no GPU or TPU."""
    return [_CPU] if device_type in (None, "CPU") else []


def get_visible_devices(device_type: str | None = None) -> list:
    return [d for d in _state["visible"] if device_type in (None, d.device_type)]


def set_visible_devices(devices: Any, device_type: str | None = None) -> None:
    """Accepts the CPU (or no device of a type the machine lacks)."""
    devices = list(devices) if isinstance(devices, (list, tuple)) else [devices]
    for d in devices:
        if d != _CPU:
            raise ValueError(f"Unrecognized device: {d}")
    if device_type not in (None, "CPU") and devices:
        raise ValueError(f"No devices of type {device_type}")
    if device_type in (None, "CPU"):
        _state["visible"] = devices


def list_logical_devices(device_type: str | None = None) -> list:
    return [
        LogicalDevice("/device:CPU:0", "CPU")
        for d in get_visible_devices(device_type)
        if d.device_type == "CPU"
    ]


def get_logical_device_configuration(device: Any) -> None:
    return None


def set_logical_device_configuration(device: Any, logical_devices: Any) -> None:
    if device != _CPU:
        raise ValueError(f"Unrecognized device: {device}")
    if logical_devices not in (None, []) and len(logical_devices) > 1:
        raise ValueError("tflite_core runs on one logical CPU device")


def get_soft_device_placement() -> bool:
    return bool(_state["soft_placement"])


def set_soft_device_placement(enabled: bool) -> None:
    _state["soft_placement"] = bool(enabled)


class threading:
    """``tf.config.threading``."""

    @staticmethod
    def get_intra_op_parallelism_threads() -> int:
        return int(_state["intra_op"])

    @staticmethod
    def set_intra_op_parallelism_threads(num_threads: int) -> None:
        """The kernels' thread count (0: the default, every core)."""
        _state["intra_op"] = int(num_threads)
        runtime.set_num_threads(int(num_threads) or (os.cpu_count() or 1))

    @staticmethod
    def get_inter_op_parallelism_threads() -> int:
        return int(_state["inter_op"])

    @staticmethod
    def set_inter_op_parallelism_threads(num_threads: int) -> None:
        """Recorded (a plan runs its steps in order: there is no inter-op pool)."""
        _state["inter_op"] = int(num_threads)
