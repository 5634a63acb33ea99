"""``tf.app.run``, ``tf.flags`` and ``tf.compat`` side by side with TF 2.21's ``compat.v1``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

PROGRAM = """
    import tensorflow.compat.v1 as tf

    tf.flags.DEFINE_integer("steps", 3, "how many steps")
    tf.app.flags.DEFINE_string("name", "x", "a name")
    tf.flags.DEFINE_boolean("fast", False, "go fast")
    FLAGS = tf.flags.FLAGS

    def main(argv):
        print(FLAGS.steps, FLAGS.name, FLAGS.fast, argv[1:])

    if __name__ == "__main__":
        tf.app.run(main)
"""


def _run(args, env_path=None):
    env = dict(os.environ)
    if env_path is not None:
        env["PYTHONPATH"] = env_path
    r = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, env=env
    )
    return r.returncode, r.stdout.strip().splitlines()[-1:]


@pytest.mark.parametrize(
    "argv", [[], ["--steps=7", "--name", "abc", "--fast"], ["--steps=2", "--unknown=1", "extra"]]
)
def test_app_run_and_flags_as_tf(tmp_path, argv):
    prog = tmp_path / "program.py"
    prog.write_text(textwrap.dedent(PROGRAM))
    root = os.path.dirname(os.path.dirname(tf.__file__))
    ours = _run(["-m", "tflite_core.run", str(prog), *argv], env_path=root)
    theirs = _run([str(prog), *argv])
    assert ours == theirs


@pytest.mark.parametrize(
    "name,args",
    [
        ("as_bytes", ("héllo",)),
        ("as_bytes", (b"abc",)),
        ("as_text", ("héllo".encode(),)),
        ("as_str", ("abc",)),
        ("as_str_any", (12,)),
        ("as_str_any", (b"by",)),
        ("path_to_str", ("/a/b",)),
        ("forward_compatible", (2019, 1, 1)),
        ("forward_compatible", (2100, 1, 1)),
    ],
)
def test_compat_helpers_as_tf(name, args):
    assert getattr(tf.compat, name)(*args) == getattr(real_tf.compat, name)(*args)


def test_compat_errors_and_types_as_tf():
    for mod in (tf.compat, real_tf.compat):
        with pytest.raises(TypeError):
            mod.as_bytes(3)
        with pytest.raises(TypeError):
            mod.as_text(3)
        assert isinstance(np.int8(1), mod.integral_types)
        assert isinstance(2.5, mod.real_types) and isinstance(1j, mod.complex_types)
    assert tf.compat.v1 is tf
    with tf.compat.forward_compatibility_horizon(2101, 1, 1):
        assert tf.compat.forward_compatible(2100, 1, 1)
    assert not tf.compat.forward_compatible(2100, 1, 1)


def test_vectorized_map_as_tf():
    x = np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32)
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            p = mod.placeholder(mod.float32, [6, 3])
            y = mod.vectorized_map(lambda r, m=mod: (r * r, m.reduce_sum(r)), p)
            g = mod.gradients(mod.reduce_sum(y[0]) + mod.reduce_sum(y[1]), p)[0]
            with mod.Session(graph=graph) as sess:
                out.append(sess.run([y, g], {p: x}))
    (a, ga), (b, gb) = out
    np.testing.assert_allclose(a[0], b[0], rtol=1e-6)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-5)
    np.testing.assert_allclose(ga, gb, rtol=1e-6)
