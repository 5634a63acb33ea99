"""What an iterator's pipeline runs with: the running session (for dataset functions), the values
of the dataset's graph inputs (taken when the iterator is initialised), per-node state that lasts
across repetitions (a cache, a shuffle's epoch count) and the threads to stop on close."""

from __future__ import annotations

import os
import threading
from typing import Any

from ..framework.graph import Tensor


class Context:
    def __init__(self, session: Any, values: dict[Tensor, Any]) -> None:
        self.session = session
        self.values = values
        self.state: dict = {}  # node -> what it keeps across its iterations
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.entropy = int.from_bytes(os.urandom(8), "little")  # for unseeded shuffles

    def value(self, t: Tensor) -> Any:
        return self.values[t]

    def scalar(self, t: Tensor) -> int:
        return int(self.values[t])

    def string(self, t: Tensor) -> str:
        v = self.values[t]
        v = v.item() if hasattr(v, "item") else v
        return v.decode() if isinstance(v, bytes) else str(v)

    def close(self) -> None:
        self.stop.set()
        for th in self.threads:
            th.join(timeout=10.0)
        self.threads.clear()
