"""examples/digits_cnn.py: the LeNet-style CNN reaches 97% test accuracy on scikit-learn's digits
in under a minute, and the oneDNN and reference convolution backends train it identically."""

import re
from pathlib import Path

import numpy as np
import pytest
from example_runs import run_example

import tflite_core as tf
from tflite_core.framework.runtime import fpmath_bf16_unavailable

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "digits_cnn.py"


def _run(*args):
    return run_example(SCRIPT, *args)


@pytest.mark.parametrize("seed", [0, 1])
def test_reaches_97_percent_in_under_a_minute(seed):
    out = _run("--seed", seed)
    acc = float(re.search(r"test accuracy: ([\d.]+)", out).group(1))
    seconds = float(re.search(r"training seconds: ([\d.]+)", out).group(1))
    epochs = [float(v) for v in re.findall(r"epoch \d+ loss: ([\d.]+)", out)]
    assert acc >= 0.97, out
    assert seconds < 60, out
    assert epochs[-1] < epochs[0] / 5  # it trained


def test_reaches_97_percent_with_bf16_maths():
    """``--fpmath bf16`` (tf.set_fpmath_mode): the matmuls and convolutions multiply
    bfloat16-rounded operands; the network still reaches 97%."""
    why = fpmath_bf16_unavailable()
    if why:
        pytest.skip(f"bf16 maths unavailable here: {why}")
    out = _run("--fpmath", "bf16")
    assert float(re.search(r"test accuracy: ([\d.]+)", out).group(1)) >= 0.97, out


def _trace(backend):
    out = _run("--trace-steps", 50, "--conv-backend", backend)
    return np.array([float(v) for v in re.findall(r"step \d+ loss: ([\d.e+-]+)", out)])


def test_onednn_and_reference_backends_give_the_same_losses():
    if "onednn" not in _core_backends():
        pytest.fail("this build has no oneDNN backend to compare (CI builds it on Linux x86-64)")
    onednn, reference = _trace("onednn"), _trace("reference")
    assert len(onednn) == len(reference) == 50
    np.testing.assert_allclose(onednn, reference, rtol=1e-4, atol=1e-4)
    assert onednn[-1] < onednn[0]


def _core_backends():
    before = tf.get_conv_backend()
    found = []
    for name in ("onednn", "reference"):
        try:
            tf.set_conv_backend(name)
            found.append(name)
        except Exception:
            pass
    tf.set_conv_backend(before)
    return found
