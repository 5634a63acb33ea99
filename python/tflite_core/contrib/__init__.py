"""``tf.contrib``: the most used parts of TF 1.x's contrib: ``rnn``, ``framework``
(``arg_scope``, the slim variable helpers), ``layers``, ``slim``, ``training``
(``create_train_op``) and ``legacy_seq2seq``."""

from . import framework, layers, legacy_seq2seq, rnn, slim, training
