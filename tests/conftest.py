"""Shared pytest configuration: the hypothesis profiles and the fresh-graph fixture.

The "ci" profile (loaded by default) keeps property tests fast on a small machine; select another
with ``HYPOTHESIS_PROFILE=thorough`` for a longer search.
"""

import os

# TF 2.21's compat.v1.layers (the side-by-side oracle of tf.layers) needs Keras 2 (tf-keras);
# set before any test imports tensorflow
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
# TF turns its oneDNN kernels on by itself only on CPUs with AVX-512 VNNI/BF16 or AMX; elsewhere
# (AVX2-only machines) its Eigen kernels refuse what the oracle must run (dilated conv1d/conv3d:
# "Current CPU implementations do not yet support dilation rates larger than 1"), so the oracle
# is TF with oneDNN on every CPU
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

import pytest
from hypothesis import HealthCheck, settings

import tflite_core as tf

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def g():
    """A fresh graph installed as the default for the test."""
    graph = tf.Graph()
    with graph.as_default():
        yield graph
