"""``tf.contrib.crf``: the linear-chain CRF of TF 1.x (re-exports)."""

from .crf import (
    CrfDecodeBackwardRnnCell,
    CrfDecodeForwardRnnCell,
    CrfForwardRnnCell,
    crf_binary_score,
    crf_decode,
    crf_log_likelihood,
    crf_log_norm,
    crf_sequence_score,
    crf_unary_score,
    viterbi_decode,
)
