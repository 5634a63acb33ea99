"""``tf.app``: ``run`` and ``flags`` (absl's, as TF 1.x's)."""

from .platform import flags
from .platform.app import run
