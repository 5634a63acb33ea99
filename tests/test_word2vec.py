"""examples/word2vec.py: skip-gram with NCE on the stdlib's pydoc topics learns embeddings in
which words that co-occur are more similar (cosine) than random pairs."""

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "word2vec.py"


def test_word2vec_cooccurring_pairs_are_more_similar_than_random_pairs():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--steps", "6000", "--vocab", "1500", "--seed", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    losses = [float(x) for x in re.findall(r"average loss ([0-9.]+)", out)]
    assert len(losses) == 5 and losses[-1] < 0.6 * losses[0], out
    m = re.search(
        r"check: co-occurring pairs cos=(-?[0-9.]+) > random pairs cos=(-?[0-9.]+) : (\w+)", out
    )
    assert m, out
    co, rand = float(m.group(1)), float(m.group(2))
    assert m.group(3) == "True" and co > rand + 0.02, out
    assert len(re.findall(r"nearest to '\w+': \w+", out)) >= 4, out
