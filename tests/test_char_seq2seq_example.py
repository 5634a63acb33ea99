"""examples/char_seq2seq.py (a char-rnn written with ``tf.contrib.legacy_seq2seq``): trained
briefly, its loss falls from about log(vocabulary) to well below the text's unigram entropy, and
its sample is made of the text's characters."""

import re
from pathlib import Path

import numpy as np
from example_runs import run_example

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "char_seq2seq.py"


def _unigram_entropy(text: str) -> float:
    _, counts = np.unique(list(text), return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def test_loss_falls_and_sample_uses_the_texts_alphabet():
    out = run_example(SCRIPT, "--steps", 250, "--seed", 2, timeout=300)
    losses = [float(v) for v in re.findall(r"step \d+ loss: ([\d.]+)", out)]
    final = float(re.search(r"final loss: ([\d.]+)", out).group(1))
    source = SCRIPT.read_text()
    text_start = source.index("TEXT = (")
    text = "".join(re.findall(r'"([^"]*)"', source[text_start : source.index(")\n", text_start)]))
    vocab = len(set(text))
    assert abs(losses[0] - np.log(vocab)) < 0.3, out  # starts near a uniform guess
    assert final < 0.6 * _unigram_entropy(text), out  # far below what character counts give
    assert final < 0.5 * losses[0], out
    sample = out.split("sample:\n", 1)[1].rstrip("\n")
    assert len(sample) >= 195
    assert set(sample) <= set(text)
    assert len(set(sample)) > 10  # not one character repeated
