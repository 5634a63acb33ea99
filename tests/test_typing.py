"""The package type-checks (mypy, settings in pyproject.toml) and so does a typed user program;
a wrongly typed one is rejected (the public API's annotations are precise enough to catch it)."""

from __future__ import annotations

import pathlib
import textwrap

import pytest

api = pytest.importorskip("mypy.api")

REPO = pathlib.Path(__file__).resolve().parents[1]
PYPROJECT = REPO / "pyproject.toml"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One cache for every run here: the package is analysed once (~4 s), then reused."""
    return str(tmp_path_factory.mktemp("mypy_cache"))


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # `files` in pyproject.toml are relative to the repository root


def _mypy(cache_dir: str, *args: str) -> tuple[str, int]:
    """Runs mypy with the repository's settings; (its report, its exit status)."""
    out, err, status = api.run(
        ["--config-file", str(PYPROJECT), "--cache-dir", cache_dir, "--no-color-output", *args]
    )
    return out + err, status


def _user_program(tmp_path: pathlib.Path, body: str) -> str:
    path = tmp_path / "user_program.py"
    path.write_text(textwrap.dedent(body))
    return str(path)


def test_package_type_checks(cache_dir: str) -> None:
    report, status = _mypy(cache_dir)
    assert status == 0, report
    assert "Success: no issues found" in report


TUTORIAL = """
    from __future__ import annotations

    import numpy as np

    import tflite_core as tf

    x = tf.placeholder(tf.float32, shape=[None, 4])
    y_ = tf.placeholder(tf.float32, shape=[None, 3])
    W = tf.Variable(tf.zeros([4, 3]))
    b = tf.Variable(tf.zeros([3]))
    y = tf.nn.softmax(tf.matmul(x, W) + b)
    loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), axis=1))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {x: np.ones((2, 4), np.float32), y_: np.eye(3, dtype=np.float32)[:2]}
        nothing = sess.run(train_step, feed_dict=feed)
        assert nothing is None
        probs: np.ndarray = sess.run(y, feed_dict=feed)
        print(probs.shape, probs.argmax(axis=1), float(sess.run(loss, feed_dict=feed)))
        both = sess.run([train_step, loss], feed_dict=feed)
        print(both[1])
"""


def test_typed_user_program_checks(cache_dir: str, tmp_path: pathlib.Path) -> None:
    report, status = _mypy(cache_dir, _user_program(tmp_path, TUTORIAL))
    assert status == 0, report


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (
            """
            import tflite_core as tf

            x = tf.placeholder(tf.float32, shape="abc")
            """,
            'Argument "shape" to "placeholder" has incompatible type "str"',
        ),
        (
            """
            import tflite_core as tf

            v = tf.Variable(1.0)
            step = tf.assign_add(v, 1.0).op
            with tf.Session() as sess:
                print(sess.run(step).shape)  # an Operation's value is None
            """,
            '"None" has no attribute "shape"',
        ),
    ],
    ids=["placeholder-shape", "operation-fetch"],
)
def test_wrongly_typed_user_program_is_rejected(
    cache_dir: str, tmp_path: pathlib.Path, body: str, complaint: str
) -> None:
    report, status = _mypy(cache_dir, _user_program(tmp_path, body))
    assert status == 1, report
    assert complaint in report, report
