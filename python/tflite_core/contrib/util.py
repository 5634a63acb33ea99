"""``tf.contrib.util``: TF 1.x's tensor utilities (re-exports): ``constant_value`` (a tensor's
value when known without running the graph), ``make_tensor_proto``, ``make_ndarray``."""

from ..framework.tensor_protos import make_ndarray, make_tensor_proto
from ..framework.tensor_util import get_static_value as constant_value
