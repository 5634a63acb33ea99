"""Exhausted memory is TF's ResourceExhaustedError naming the op and the shape, checked before
anything is allocated (client/buffers.py), and the Session keeps working afterwards: sizes
beyond the memory limit (physical memory, the address-space limit, TFLITE_CORE_MEMORY_LIMIT) are
refused whatever their dimensions, and an allocation the allocator refuses (here: under an
address-space limit) is reported the same way."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tflite_core as tf
from tflite_core import errors

pytestmark = pytest.mark.bad_input

# AddressSanitizer reserves terabytes of address space for its shadow memory: a process under an
# address-space limit cannot even start. The CI step that runs the bad-input tests against an ASan
# build of the module sets this variable.
UNDER_ASAN = os.environ.get("TFLITE_CORE_UNDER_ASAN") == "1"

OOM = r"OOM when allocating tensor with shape\[{}\] and type {} on .*CPU:0 by allocator cpu"


def test_fed_shape_beyond_physical_memory(g):
    dims = tf.placeholder(tf.int32, [2])
    z = tf.zeros(dims)
    with tf.Session() as sess:
        for shape in ([2**20, 2**20], [2**31 - 1, 2**31 - 1]):  # 4 TiB; 2**62 elements
            with pytest.raises(
                errors.ResourceExhaustedError, match=OOM.format(f"{shape[0]},{shape[1]}", "float")
            ) as e:
                sess.run(z, {dims: shape})
            assert "[[node zeros]]" in str(e.value)
        np.testing.assert_array_equal(sess.run(z, {dims: [2, 3]}), np.zeros((2, 3), np.float32))


def test_memory_limit_variable_names_the_variable(g, monkeypatch):
    monkeypatch.setenv("TFLITE_CORE_MEMORY_LIMIT", str(64 * 2**20))
    big = tf.Variable(tf.zeros([4096, 8192], tf.float64), name="big")  # 256 MiB
    small = tf.Variable(tf.ones([2]), name="small")
    with tf.Session() as sess:
        with pytest.raises(errors.ResourceExhaustedError, match=OOM.format("4096,8192", "double")):
            sess.run(big.initializer)
        sess.run(small.initializer)
        np.testing.assert_array_equal(sess.run(small), [1.0, 1.0])


def test_a_plan_beyond_the_limit_as_a_whole(g, monkeypatch):
    # each buffer fits the limit, all of them together do not
    monkeypatch.setenv("TFLITE_CORE_MEMORY_LIMIT", str(40 * 2**20))
    x = tf.placeholder(tf.float32, [None])
    y = x + 1.0
    z = y * 2.0
    w = z - 3.0
    with tf.Session() as sess:
        with pytest.raises(errors.ResourceExhaustedError, match="OOM when allocating"):
            sess.run([y, z, w], {x: np.zeros(4 * 2**20, np.float32)})  # 16 MiB each
        got = sess.run([y, z, w], {x: np.zeros(4, np.float32)})
        np.testing.assert_array_equal(got[2], np.full(4, -1.0, np.float32))


_UNDER_RLIMIT = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    import tflite_core as tf
    from tflite_core import errors

    x = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(x * 2.0)
    n = tf.placeholder(tf.int32, [1])
    big = tf.fill(n, 1.0)
    with tf.Session() as sess:
        # warm: the plan of the run after the limit, its threads and caches (an input large
        # enough that the OpenMP team starts now: libgomp aborts the process if it cannot
        # create its threads under the limit)
        assert sess.run(y, {x: np.ones(1000, np.float32)}) == 2000.0
        assert sess.run(big, {n: [1 << 22]}).sum() == float(1 << 22)
        assert sess.run(y, {x: np.ones(1 << 22, np.float32)}) == float(1 << 23)
        with open("/proc/self/statm") as f:
            vsize = int(f.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (vsize + 2**29, vsize + 2**29))  # 512 MiB more
        # 600 MB passes the size check (the limit is the whole address space) but the allocator
        # refuses it; 2 GiB is beyond the limit itself
        for k in (150_000_000, 2**29):
            try:
                sess.run(big, {n: [k]})
            except errors.ResourceExhaustedError as e:
                print("refused", k, str(e).splitlines()[0])
            else:
                sys.exit(f"{k} floats were allocated under the limit")
        print("after", sess.run(y, {x: np.ones(1000, np.float32)}))
    """
)


@pytest.mark.skipif(
    UNDER_ASAN,
    reason="RLIMIT_AS: AddressSanitizer's shadow memory needs terabytes of address space",
)
def test_allocations_refused_under_an_address_space_limit(tmp_path):
    script = tmp_path / "under_rlimit.py"
    script.write_text(_UNDER_RLIMIT)
    proc = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    oom = "OOM when allocating tensor with shape[{}] and type float on"
    assert lines[0].startswith("refused 150000000 " + oom.format(150000000))
    assert "beyond the memory limit" not in lines[0]  # the allocator's refusal
    assert lines[1].startswith("refused 536870912 " + oom.format(536870912))
    assert "beyond the memory limit" in lines[1]
    assert lines[2] == "after 2000.0"


def test_a_kernel_work_buffer_beyond_the_limit_names_the_node(g, monkeypatch):
    """A size the C++ kernel computes (the reference conv2d's im2col block, 1.2 MB here) is
    checked against the same limit before it is allocated: ResourceExhaustedError naming the
    node; the Session keeps working once the limit allows it."""
    x = tf.placeholder(tf.float32, [1, 3, 3, 2048])
    f = tf.placeholder(tf.float32, [3, 3, 2048, 1])
    y = tf.nn.conv2d(x, f, [1, 1, 1, 1], "VALID", name="wide_conv")
    xv = np.ones((1, 3, 3, 2048), np.float32)
    fv = np.full((3, 3, 2048, 1), 0.5, np.float32)
    backend = tf.get_conv_backend()
    tf.set_conv_backend("reference")
    try:
        with tf.Session() as sess:
            monkeypatch.setenv("TFLITE_CORE_MEMORY_LIMIT", str(2**20))  # the plan's buffers fit
            with pytest.raises(errors.ResourceExhaustedError, match="beyond the memory limit") as e:
                sess.run(y, {x: xv, f: fv})
            assert e.value.op is y.op and "wide_conv" in str(e.value)
            monkeypatch.delenv("TFLITE_CORE_MEMORY_LIMIT")
            np.testing.assert_allclose(sess.run(y, {x: xv, f: fv}), [[[[9 * 2048 * 0.5]]]])
    finally:
        tf.set_conv_backend(backend)
