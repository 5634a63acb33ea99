"""Device strings as TF 1.x reads and merges them:
``/job:<name>/replica:<i>/task:<i>/device:<TYPE>:<i>``, every part optional.

A spec is parsed into five fields (job, replica, task, device type, device index) and written back
in that order (``"/cpu:0"`` -> ``"/device:CPU:0"``); merging a spec under an op's current device
fills only the fields the current device leaves unset (inner ``tf.device`` contexts win). The
errors are TF's ``DeviceSpec`` parser's.

>>> canonical("/cpu:0"), canonical("/task:1/job:ps")
('/device:CPU:0', '/job:ps/task:1')
>>> merge("/job:worker/gpu:0", "/device:CPU:1")
'/job:worker/device:CPU:1'
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

_DEVICE_TYPES = frozenset({"CPU", "GPU", "TPU", "CUSTOM", "EPU"})


class Fields(NamedTuple):
    """The parts of a device spec (None: unset)."""

    job: str | None = None
    replica: int | None = None
    task: int | None = None
    device_type: str | None = None
    device_index: int | None = None

    def to_string(self) -> str:
        out = []
        if self.job is not None:
            out.append(f"/job:{self.job}")
        if self.replica is not None:
            out.append(f"/replica:{self.replica}")
        if self.task is not None:
            out.append(f"/task:{self.task}")
        if self.device_type is not None:
            index = "*" if self.device_index is None else str(self.device_index)
            out.append(f"/device:{self.device_type}:{index}")
        return "".join(out)

    def merged_over(self, inner: Fields) -> Fields:
        """These fields where ``inner`` leaves them unset."""
        return Fields(
            self.job if inner.job is None else inner.job,
            self.replica if inner.replica is None else inner.replica,
            self.task if inner.task is None else inner.task,
            self.device_type if inner.device_type is None else inner.device_type,
            self.device_index if inner.device_index is None else inner.device_index,
        )


def _device_type(name: str) -> str:
    return name.upper() if name in ("cpu", "gpu") else name


@functools.lru_cache(maxsize=4096)
def parse(spec: str | None) -> Fields:
    """The fields of ``spec`` (ValueError for a part that is not a device field)."""
    job = device_type = None
    replica: str | None = None
    task: str | None = None
    index: int | None = None
    text = spec or ""
    for part in [p.split(":") for p in text.split("/")]:
        n = len(part)
        if n == 2 and part[0] == "job":
            job = part[1]
        elif n == 2 and part[0] == "replica":
            replica = part[1]
        elif n == 2 and part[0] == "task":
            task = part[1]
        elif n in (1, 2) and part[0].upper() in _DEVICE_TYPES:
            if device_type is not None:
                raise ValueError(
                    f"Multiple device types are not allowed while parsing the device spec: {text}."
                )
            device_type = part[0].upper()
            if n == 2 and part[1] != "*":
                index = int(part[1])
        elif n == 3 and part[0] == "device":
            if device_type is not None:
                raise ValueError(
                    f"Multiple device types are not allowed while parsing the device spec: {text}."
                )
            device_type = _device_type(part[1])
            if part[2] != "*":
                index = int(part[2])
        elif part[0] != "":
            raise ValueError(
                f"Unknown attribute '{part[0]}' is encountered while parsing the device spec: "
                f"'{text}'."
            )
    as_int = [None if x is None else int(x) for x in (replica, task)]  # (after the walk, as TF)
    return Fields(job, as_int[0], as_int[1], device_type, index)


def canonical(spec: str | None) -> str:
    """``spec`` in TF's canonical form (``""`` for None)."""
    return parse(spec).to_string()


@functools.lru_cache(maxsize=4096)
def merge(spec: str, current: str) -> str:
    """``spec`` merged under an op's ``current`` device: the fields ``current`` sets win."""
    return parse(spec).merged_over(parse(current)).to_string()


def device_string(value: Any) -> str:
    """A device function's result as the op's device (a ``DeviceSpec``-like object's
    ``to_string()``, a string as it is, bytes decoded)."""
    if hasattr(value, "to_string"):
        value = value.to_string()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, str):
        return value
    raise TypeError(f"Expected binary or unicode string, got {value!r}")
