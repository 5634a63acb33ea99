"""The small model that tests/test_monitored_session_vs_tf.py and tests/monitored_session_child.py
train with ``MonitoredTrainingSession``, written once for ``tflite_core`` and TF 2.21
``compat.v1`` (``mod`` is either): a 2-input linear regression, its global step, a scalar
summary, and a hook recording every hook call."""

from __future__ import annotations

import logging

import numpy as np

X = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0], [2.0, 0.0]], np.float32)
Y = np.array([[1.0], [2.0], [-0.5], [1.5]], np.float32)


def build(mod, lr: float = 0.02):
    """(loss, step read before the update, train op, w) in the default graph."""
    x = mod.constant(X)
    y = mod.constant(Y)
    w = mod.get_variable("w", [2, 1], initializer=mod.zeros_initializer())
    b = mod.get_variable("b", [1], initializer=mod.zeros_initializer())
    loss = mod.reduce_mean(mod.square(mod.matmul(x, w) + b - y), name="loss")
    gs = mod.train.get_or_create_global_step()
    step = mod.identity(gs.read_value() + 0, name="step")  # read before the update below
    mod.summary.scalar("loss", loss)
    with mod.control_dependencies([step, loss]):
        train = mod.train.GradientDescentOptimizer(lr).minimize(loss, global_step=gs)
    return loss, step, train, w


def recording_hook(mod):
    """A SessionRunHook subclass of ``mod`` that records (method, details) in ``calls``."""

    class Recording(mod.train.SessionRunHook):
        def __init__(self):
            self.calls: list = []

        def begin(self):
            self.calls.append("begin")

        def after_create_session(self, session, coord):
            self.calls.append("after_create_session")

        def before_run(self, run_context):
            self.calls.append("before_run")

        def after_run(self, run_context, run_values):
            self.calls.append("after_run")

        def end(self, session):
            self.calls.append("end")

    return Recording()


class LogLines(logging.Handler):
    """Collects the messages of the ``tensorflow`` logger (INFO and up) while installed."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.logger = logging.getLogger("tensorflow")

    def emit(self, record):
        if record.levelno == logging.INFO:  # (TF's deprecation warnings are not compared)
            self.lines.append(record.getMessage())

    def __enter__(self):
        self._level = self.logger.level
        self.logger.setLevel(logging.INFO)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)
        self.logger.setLevel(self._level)
