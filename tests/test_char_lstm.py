"""examples/char_lstm.py: the 2-layer character LSTM's loss falls below its stated target (1.5
nats per character; a unigram model of the text scores about 2.6) and it samples characters of
the text."""

import importlib.resources
import re
from pathlib import Path

from example_runs import run_example

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "char_lstm.py"


def test_loss_falls_below_target_and_sample_uses_the_texts_characters():
    out = run_example(SCRIPT, "--steps", 260, "--seed", 1)
    losses = [float(v) for v in re.findall(r"step \d+ loss: ([\d.]+)", out)]
    assert losses[0] > 3.0, out  # starts near log(vocabulary)
    assert re.search(r"loss below 1\.50 at step \d+", out), out
    assert float(re.search(r"final loss: ([\d.]+)", out).group(1)) < 1.5, out
    sample = out.split("sample:\n", 1)[1].rstrip("\n")
    text = importlib.resources.files("pydoc_data").joinpath("topics.py").read_text("utf-8")
    assert len(sample) >= 195  # 200 characters (a trailing newline may be stripped)
    assert set(sample) <= set(text)
    assert len(set(sample)) > 15  # not one character repeated
