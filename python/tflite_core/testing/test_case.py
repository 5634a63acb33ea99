"""``tf.test.TestCase`` and ``tf.test.main``: unittest with TF's graph-mode helpers (a fresh
default graph per test, ``session``/``cached_session``/``evaluate``) and array assertions."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unittest
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..client.session import Session
from ..framework import errors
from ..framework.graph import Graph, get_default_graph, reset_default_graph


def main(argv: list[str] | None = None) -> None:
    """Runs the tests of the calling module (``unittest.main``)."""
    unittest.main(argv=argv)


_TEMP_DIR: list[str] = []


def get_temp_dir() -> str:
    """A temporary directory for this test process (made once)."""
    if not _TEMP_DIR:
        _TEMP_DIR.append(tempfile.mkdtemp(prefix="tflite_core_test_"))
    return _TEMP_DIR[0]


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """False: tflite_core's Session runs on the CPU."""
    return False


def is_built_with_cuda() -> bool:
    return False


def is_built_with_gpu_support() -> bool:
    return False


def is_built_with_rocm() -> bool:
    return False


def is_built_with_xla() -> bool:
    return False


def gpu_device_name() -> str:
    """'' (no GPU device)."""
    return ""


def _np(x: Any) -> np.ndarray:
    return np.asarray(x)


class TestCase(unittest.TestCase):
    """A test case whose tests each start with a fresh default graph."""

    def setUp(self) -> None:
        super().setUp()
        reset_default_graph()
        self._cached: Session | None = None

    def tearDown(self) -> None:
        if self._cached is not None:
            self._cached.close()
            self._cached = None
        super().tearDown()

    # -- sessions --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(
        self,
        graph: Graph | None = None,
        config: Any = None,
        use_gpu: bool = False,
        force_gpu: bool = False,
    ) -> Iterator[Session]:
        """A new Session on ``graph`` (the default graph), installed as the default session."""
        sess = Session(graph=graph if graph is not None else get_default_graph(), config=config)
        with sess.as_default():
            try:
                yield sess
            finally:
                sess.close()

    @contextlib.contextmanager
    def cached_session(
        self,
        graph: Graph | None = None,
        config: Any = None,
        use_gpu: bool = False,
        force_gpu: bool = False,
    ) -> Iterator[Session]:
        """The same Session every time within a test (on the default graph)."""
        g = graph if graph is not None else get_default_graph()
        if self._cached is None or self._cached.graph is not g:
            if self._cached is not None:
                self._cached.close()
            self._cached = Session(graph=g, config=config)
        with self._cached.as_default():
            yield self._cached

    def test_session(
        self,
        graph: Graph | None = None,
        config: Any = None,
        use_gpu: bool = False,
        force_gpu: bool = False,
    ) -> Any:
        """TF 1.x's name for ``cached_session`` (not a test: skipped when collected as one)."""
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")
        return self.cached_session(graph, config, use_gpu, force_gpu)

    def evaluate(self, tensors: Any) -> Any:
        """``tensors`` run in the cached session."""
        with self.cached_session() as sess:
            return sess.run(tensors)

    def get_temp_dir(self) -> str:
        d = os.path.join(get_temp_dir(), self.id())
        os.makedirs(d, exist_ok=True)
        return d

    # -- assertions ------------------------------------------------------------------------------
    def assertAllClose(
        self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6, msg: str | None = None
    ) -> None:
        if isinstance(a, dict) or isinstance(b, dict):
            self.assertEqual(sorted(a), sorted(b), msg)
            for k in a:
                self.assertAllClose(a[k], b[k], rtol, atol, msg)
            return
        if isinstance(a, (list, tuple)) and a and not np.isscalar(a[0]) and _nested(a):
            self.assertEqual(len(a), len(b), msg)
            for x, y in zip(a, b):
                self.assertAllClose(x, y, rtol, atol, msg)
            return
        a, b = _np(a), _np(b)
        self.assertEqual(a.shape, b.shape, f"Shape mismatch: {a.shape} vs {b.shape}. {msg or ''}")
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=msg or "", equal_nan=True)

    def assertAllCloseAccordingToType(
        self,
        a: Any,
        b: Any,
        rtol: float = 1e-6,
        atol: float = 1e-6,
        float_rtol: float = 1e-6,
        float_atol: float = 1e-6,
        half_rtol: float = 1e-3,
        half_atol: float = 1e-3,
        bfloat16_rtol: float = 1e-2,
        bfloat16_atol: float = 1e-2,
        msg: str | None = None,
    ) -> None:
        a = _np(a)
        if a.dtype == np.float32:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        elif a.dtype == np.float16:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        elif a.dtype.name == "bfloat16":
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        self.assertAllClose(a, b, rtol, atol, msg)

    def assertAllEqual(self, a: Any, b: Any, msg: str | None = None) -> None:
        a, b = _np(a), _np(b)
        self.assertEqual(a.shape, b.shape, f"Shape mismatch: {a.shape} vs {b.shape}. {msg or ''}")
        np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllClose(
        self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6, msg: str | None = None
    ) -> None:
        try:
            self.assertAllClose(a, b, rtol, atol, msg)
        except AssertionError:
            return
        raise AssertionError("The two values are close at all elements. " + (msg or ""))

    def assertNear(self, f1: float, f2: float, err: float, msg: str | None = None) -> None:
        self.assertTrue(abs(f1 - f2) <= err, f"{f1} != {f2} +/- {err}{' : ' + msg if msg else ''}")

    def assertArrayNear(
        self, farray1: Any, farray2: Any, err: float, msg: str | None = None
    ) -> None:
        self.assertEqual(len(farray1), len(farray2), msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg)

    def assertShapeEqual(self, np_array: Any, tf_tensor: Any, msg: str | None = None) -> None:
        self.assertEqual(list(np.shape(np_array)), tf_tensor.get_shape().as_list(), msg)

    def assertDTypeEqual(self, target: Any, expected_dtype: Any) -> None:
        self.assertEqual(_np(target).dtype, np.dtype(expected_dtype))

    def assertAllGreater(self, a: Any, comparison_target: Any) -> None:
        self.assertGreater(np.min(_np(a)), comparison_target)

    def assertAllLess(self, a: Any, comparison_target: Any) -> None:
        self.assertLess(np.max(_np(a)), comparison_target)

    def assertAllGreaterEqual(self, a: Any, comparison_target: Any) -> None:
        self.assertGreaterEqual(np.min(_np(a)), comparison_target)

    def assertAllLessEqual(self, a: Any, comparison_target: Any) -> None:
        self.assertLessEqual(np.max(_np(a)), comparison_target)

    def assertAllInRange(
        self,
        target: Any,
        lower_bound: float,
        upper_bound: float,
        open_lower_bound: bool = False,
        open_upper_bound: bool = False,
    ) -> None:
        t = _np(target)
        lo = t > lower_bound if open_lower_bound else t >= lower_bound
        hi = t < upper_bound if open_upper_bound else t <= upper_bound
        if not np.all(lo & hi):
            raise AssertionError(f"{t} is not in the range [{lower_bound}, {upper_bound}]")

    def assertAllInSet(self, target: Any, expected_set: Any) -> None:
        diff = set(_np(target).reshape(-1).tolist()) - set(expected_set)
        if diff:
            raise AssertionError(f"{sorted(diff)} are not in {sorted(expected_set)}")

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(
        self, exception_type: Any, expected_err_re_or_predicate: Any
    ) -> Iterator[None]:
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:
            pattern = expected_err_re_or_predicate
            predicate = lambda e: re.search(pattern, str(e)) is not None  # noqa: E731
        try:
            yield
        except exception_type as e:
            if not predicate(e):
                raise AssertionError(f"Exception of type {type(e)}: {e} does not match") from e
            return
        raise AssertionError(f"{exception_type} not raised")

    def assertRaisesOpError(self, expected_err_re_or_predicate: Any) -> Any:
        return self.assertRaisesWithPredicateMatch(errors.OpError, expected_err_re_or_predicate)


def _nested(a: Any) -> bool:
    return any(isinstance(x, (list, tuple, dict, np.ndarray)) for x in a) and not all(
        isinstance(x, np.ndarray) and x.shape == np.asarray(a[0]).shape for x in a
    )
