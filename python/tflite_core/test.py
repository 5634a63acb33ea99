"""``tf.test``: TestCase, main, the gradient checker and the device queries."""

from .testing.gradient_checker import compute_gradient, compute_gradient_error
from .testing.test_case import (
    TestCase,
    get_temp_dir,
    gpu_device_name,
    is_built_with_cuda,
    is_built_with_gpu_support,
    is_built_with_rocm,
    is_built_with_xla,
    is_gpu_available,
    main,
)
