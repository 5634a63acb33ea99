"""``tf.flags``: absl's flags with TF 1.x's ``FLAGS`` (parsed on first use)."""

from absl.flags import *

from .platform.flags import FLAGS
