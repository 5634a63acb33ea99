"""The op table's row for ``SummaryWriterCall``, the op behind ``tf.contrib.summary``: a generic
summary of the drawn tensor is written to a fresh event file (the writer created first, through
a control dependency) and read back; the row's value is whether the event holds the tensor.
Side by side checks with TF: tests/test_contrib_summary_vs_tf.py.
"""

from __future__ import annotations

import glob
import os
import tempfile

import numpy as np
from op_table import ALL, Row, table_tests

import tflite_core as tf

_ROOT = tempfile.TemporaryDirectory(prefix="summary_writer_row_")  # removed at exit
_LOGDIRS: list[str] = []


def _write(x):
    logdir = tempfile.mkdtemp(dir=_ROOT.name)
    _LOGDIRS.append(logdir)
    writer = tf.contrib.summary.create_file_writer(logdir)
    with (
        writer.as_default(),
        tf.contrib.summary.always_record_summaries(),
        tf.control_dependencies(tf.contrib.summary.summary_writer_initializer_op()),
    ):
        return tf.contrib.summary.generic("t", x, step=3)


def _written(x):
    """True when the last written event file holds ``x`` at step 3 under the tag ``t``."""
    (path,) = glob.glob(os.path.join(_LOGDIRS[-1], "events.out.tfevents.*"))
    events = list(tf.train.summary_iterator(path))
    assert len(events) == 2 and events[0].file_version == "brain.Event:2"
    event = events[1]
    value = event.summary.value[0]
    got = np.frombuffer(value.tensor.tensor_content, x.dtype).reshape(
        [d.size for d in value.tensor.tensor_shape.dim]
    )
    return np.array(
        event.step == 3 and value.tag == "t" and got.shape == x.shape and (got == x).all()
    )


ROWS = [
    Row(
        "SummaryWriterCall",
        _write,
        _written,
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        ALL,
        "none",
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
