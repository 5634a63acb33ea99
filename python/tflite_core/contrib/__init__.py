"""``tf.contrib``: the most used parts of TF 1.x's contrib: ``rnn``, ``framework``
(``arg_scope``, the slim variable helpers), ``layers``, ``losses``, ``metrics``, ``opt``, ``slim``,
``training`` (``create_train_op``), ``legacy_seq2seq``, ``seq2seq.sequence_loss``, ``crf``,
``summary`` and ``util``."""

from . import (
    crf,
    framework,
    layers,
    legacy_seq2seq,
    losses,
    metrics,
    opt,
    rnn,
    seq2seq,
    slim,
    summary,
    training,
    util,
)
