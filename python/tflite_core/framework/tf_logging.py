"""``tf.get_logger`` and ``tf.logging``: TensorFlow's Python logger and the TF 1.x helpers on it.

The logger is ``logging.getLogger("tensorflow")``, the one TF's own messages go to. As in TF, the
first ``get_logger`` gives it a stderr handler (``INFO:tensorflow:message``) unless the program (or
TF itself, when both are imported) has configured logging already, so ``tf.logging.info`` after
``tf.logging.set_verbosity(tf.logging.INFO)`` prints exactly as a TF 1.x program expects.
"""

from __future__ import annotations

import logging
import sys
import threading

DEBUG = logging.DEBUG
ERROR = logging.ERROR
FATAL = logging.FATAL
INFO = logging.INFO
WARN = logging.WARN

_lock = threading.Lock()
_configured = False
# Calls so far per (file, line) of the caller, for log_every_n / log_first_n.
_counts: dict[tuple[str, int], int] = {}


def get_logger() -> logging.Logger:
    """The ``"tensorflow"`` logger, given a stderr handler on first use when nothing else logs."""
    global _configured
    logger = logging.getLogger("tensorflow")
    if _configured:
        return logger
    with _lock:
        if not _configured:
            if not logging.getLogger().handlers and not logger.handlers:
                interactive = hasattr(sys, "ps1") or bool(sys.flags.interactive)
                if interactive:
                    logger.setLevel(INFO)
                handler = logging.StreamHandler(sys.stdout if interactive else sys.stderr)
                handler.setFormatter(logging.Formatter(logging.BASIC_FORMAT, None))
                logger.addHandler(handler)
            _configured = True
    return logger


def log(level, msg, *args, **kwargs):
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    get_logger().debug(msg, *args, **kwargs)


def error(msg, *args, **kwargs):
    get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    get_logger().fatal(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def TaskLevelStatusMessage(msg):
    """Logs ``msg`` at ERROR level, as TF does."""
    error(msg)


def flush():
    """Flushes every handler of the TF logger (TF 2 raises here; TF 1.x flushed)."""
    for handler in get_logger().handlers:
        handler.flush()


def vlog(level, msg, *args, **kwargs):
    get_logger().log(level, msg, *args, **kwargs)


def _next_count() -> int:
    """How many times the caller's caller's line has asked before (0 the first time)."""
    frame = sys._getframe(2)
    key = (frame.f_code.co_filename, frame.f_lineno)
    with _lock:
        count = _counts.get(key, 0)
        _counts[key] = count + 1
    return count


def log_every_n(level, msg, n, *args):
    """Logs ``msg % args`` on the 1st, (n+1)th, (2n+1)th ... call from the same line."""
    log_if(level, msg, _next_count() % n == 0, *args)


def log_first_n(level, msg, n, *args):
    """Logs ``msg % args`` on the first ``n`` calls from the same line only."""
    log_if(level, msg, _next_count() < n, *args)


def log_if(level, msg, condition, *args):
    """Logs ``msg % args`` at ``level`` when ``condition`` holds."""
    if condition:
        vlog(level, msg, *args)


def get_verbosity() -> int:
    """The threshold the TF logger logs at (its effective level)."""
    return get_logger().getEffectiveLevel()


def set_verbosity(v) -> None:
    """Sets the threshold below which the TF logger drops messages."""
    get_logger().setLevel(v)
