"""``tf.get_logger``: TensorFlow's Python logger (``logging.getLogger("tensorflow")``)."""

from __future__ import annotations

import logging


def get_logger() -> logging.Logger:
    """The ``"tensorflow"`` logger, the one TF's own messages go to."""
    return logging.getLogger("tensorflow")
