"""The tutorial examples (examples/tutorial.py, examples/slides/*.py) run and print right values.

Each example runs as a script (``sys.executable -W error``) with a seed; its ``label: value``
lines are parsed back. Forward values are recomputed in NumPy from the example's own printed
initial parameters; training is replayed by tutorial_reference.py (float64 backprop by hand)
from those parameters and must agree to 1e-5.
"""

from __future__ import annotations

import functools
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tutorial_reference as ref

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SLIDES = EXAMPLES / "slides"
X = np.array([[1.0, 2.0, 3.0]])
ANSWER = np.array([[0.0, 1.0, 0.0]])
TOL = {"rtol": 1e-5, "atol": 1e-5}
SEEDS = [1, 2, 7]

_LABEL = re.compile(r"^([^\s\[][^:]*):(.*)$")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)")


@functools.cache
def _run_cached(script: str, args: tuple) -> tuple:
    proc = subprocess.run(
        [sys.executable, "-W", "error", script, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


def run(script, *args):
    """Runs an example; returns (its labelled output as ``{label: text}``, stdout)."""
    rc, out, err = _run_cached(str(script), tuple(str(a) for a in args))
    assert rc == 0, f"{script} exited with {rc}:\n{err}"
    assert err == "", f"{script} wrote to stderr:\n{err}"
    printed = {}
    label = None
    for line in out.splitlines():
        m = _LABEL.match(line)
        if m:
            label = m.group(1)
            assert label not in printed, f"label printed twice: {label!r}"
            printed[label] = m.group(2)
        else:
            assert label is not None, f"unlabelled output line: {line!r}"
            printed[label] += "\n" + line
    return printed, out


def values(printed, label, shape):
    """The numbers printed under ``label``, as a float64 array of ``shape``."""
    nums = [float(t) for t in _NUMBER.findall(printed[label])]
    assert len(nums) == math.prod(shape), f"{label!r}: {printed[label]!r}"
    return np.array(nums).reshape(shape)


def words(printed, label):
    return printed[label].split()


def losses(printed, fmt, steps=10):
    return [values(printed, fmt.format(step), (1,)) for step in range(1, steps + 1)]


# ---- the reference itself ------------------------------------------------------------------------
def _params(rng, num_layers, head=True, biases=True):
    def b():
        return rng.normal(size=(1, 3)) if biases else None

    layers = [(rng.normal(size=(3, 3)), b()) for _ in range(num_layers)]
    return layers, ((rng.normal(size=(3, 3)), b()) if head else None)


@pytest.mark.parametrize(
    "num_layers,head,biases,l2",
    [
        (1, False, False, 0.0),
        (1, True, False, 0.0),
        (1, True, True, 0.0),
        (2, True, True, 0.0),
        (1, True, True, 1.0),
        (3, True, True, 0.5),
    ],
)
def test_reference_gradients_match_central_differences(num_layers, head, biases, l2):
    rng = np.random.default_rng(num_layers * 10 + head * 2 + biases)
    layers, hd = _params(rng, num_layers, head, biases)
    x = rng.normal(size=(2, 3)) + 1.0
    labels = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    layer_grads, head_grad = ref.gradients(x, labels, layers, hd, l2)
    flat = [p for pair in layers + ([hd] if hd else []) for p in pair]
    grads = [g for pair in layer_grads + ([head_grad] if hd else []) for g in pair]
    eps = 1e-6
    for p, g in zip(flat, grads):
        if p is None:
            assert g is None
            continue
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + eps
            up = ref.loss(x, labels, layers, hd, l2).sum()
            p[i] = old - eps
            down = ref.loss(x, labels, layers, hd, l2).sum()
            p[i] = old
            numeric[i] = (up - down) / (2 * eps)
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-7)


# ---- examples/tutorial.py ------------------------------------------------------------------------
def _tutorial(seed):
    return run(EXAMPLES / "tutorial.py", "--seed", seed)[0]


def _tutorial_params(printed, when):
    return (
        [(values(printed, f"w ({when})", (3, 3)), values(printed, f"b ({when})", (1, 3)))],
        (
            values(printed, f"softmax_w ({when})", (3, 3)),
            values(printed, f"softmax_b ({when})", (1, 3)),
        ),
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_tutorial_forward_values(seed):
    p = _tutorial(seed)
    assert words(p, "relu_out node") == ["Relu", "Relu"]
    np.testing.assert_array_equal(values(p, "x", (1, 3)), X)
    np.testing.assert_array_equal(values(p, "answer", (1, 3)), ANSWER)
    layers, head = _tutorial_params(p, "initial")
    (w, b), (sw, sb) = layers[0], head
    np.testing.assert_array_equal(b, 0.0)  # tf.zeros
    np.testing.assert_array_equal(sb, 0.0)
    assert np.all(np.abs(w) > 0) and not np.array_equal(w, sw)

    relu_out = values(p, "relu_out", (1, 3))
    np.testing.assert_allclose(relu_out, np.maximum(X @ w + b, 0.0), **TOL)
    logit = values(p, "logit", (1, 3))
    np.testing.assert_allclose(logit, relu_out @ sw + sb, **TOL)
    softmax = values(p, "softmax", (1, 3))
    np.testing.assert_allclose(softmax, ref.softmax(logit), **TOL)
    np.testing.assert_allclose(softmax.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(
        values(p, "prediction difference", (1, 3)), ANSWER - softmax, atol=1e-7
    )
    np.testing.assert_allclose(
        values(p, "loss (initial)", (1,)), ref.loss(X, ANSWER, layers, head), **TOL
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_tutorial_training_matches_numpy(seed):
    p = _tutorial(seed)
    layers, head = _tutorial_params(p, "initial")
    for step in range(1, 11):  # the reference, one step at a time, checked after each
        layers, head, (want_loss,) = ref.sgd(X, ANSWER, layers, head, steps=1)
        np.testing.assert_allclose(values(p, f"step {step} loss", (1,)), want_loss, **TOL)
        _, logits = ref.forward(X, layers, head)
        np.testing.assert_allclose(
            values(p, f"step {step} prediction difference", (1, 3)),
            ANSWER - ref.softmax(logits),
            **TOL,
        )
    got_layers, got_head = _tutorial_params(p, "trained")
    np.testing.assert_allclose(got_layers[0][0], layers[0][0], **TOL)
    np.testing.assert_allclose(got_layers[0][1], layers[0][1], **TOL)
    np.testing.assert_allclose(got_head[0], head[0], **TOL)
    np.testing.assert_allclose(got_head[1], head[1], **TOL)
    assert values(p, "step 10 loss", (1,))[0] < values(p, "loss (initial)", (1,))[0]
    assert not np.allclose(got_head[1], 0.0)  # softmax_b always receives a gradient


@pytest.mark.parametrize("seed", SEEDS)
def test_tutorial_regularisation_matches_numpy(seed):
    p = _tutorial(seed)
    layers, head = _tutorial_params(p, "initial")
    layers, head, _ = ref.sgd(X, ANSWER, layers, head, steps=10)
    np.testing.assert_allclose(values(p, "l2reg", (1,)), np.sum(head[0] ** 2), **TOL)
    layers, head, want = ref.sgd(X, ANSWER, layers, head, steps=10, l2=1.0)
    got = losses(p, "regularised step {} loss")
    np.testing.assert_allclose(np.concatenate(got), np.concatenate(want), **TOL)
    got_layers, got_head = _tutorial_params(p, "regularised")
    for g, r in zip([*got_layers[0], *got_head], [*layers[0], *head]):
        np.testing.assert_allclose(g, r, **TOL)
    np.testing.assert_allclose(
        values(p, "l2reg (regularised)", (1,)), np.sum(got_head[0] ** 2), **TOL
    )
    # The penalty shrinks softmax_w.
    assert np.sum(got_head[0] ** 2) < values(p, "l2reg", (1,))[0]


def test_tutorial_seed_makes_runs_repeat():
    script = EXAMPLES / "tutorial.py"
    _, first = run(script, "--seed", SEEDS[0])
    rc, again, err = _run_cached.__wrapped__(str(script), ("--seed", str(SEEDS[0])))
    assert rc == 0, err
    assert again == first
    other = _tutorial(SEEDS[1])
    assert (
        values(other, "w (initial)", (3, 3)).tolist()
        != values(_tutorial(SEEDS[0]), "w (initial)", (3, 3)).tolist()
    )


def test_tutorial_without_seed_draws_new_weights():
    # TF: with no graph-level or op seed, every run of the program draws different values.
    script = str(EXAMPLES / "tutorial.py")
    outs = [_run_cached.__wrapped__(script, ()) for _ in range(2)]
    for rc, _, err in outs:
        assert rc == 0, err
    assert outs[0][1] != outs[1][1]


# ---- examples/slides -----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide02_08_define_session_fetch(seed):
    p, _ = run(SLIDES / "slide02_08_define_session_fetch.py", "--seed", seed)
    assert words(p, "w node") == ["w", "VariableV2"]
    assert words(p, "y node") == ["MatMul", "MatMul"]
    assert words(p, "relu_out node") == ["Relu", "Relu"]
    assert words(p, "fetch before initialisation") == ["FailedPreconditionError"]
    x = values(p, "x", (1, 3))
    np.testing.assert_array_equal(x, X)
    w = values(p, "w", (3, 3))
    y = values(p, "y", (1, 3))
    np.testing.assert_allclose(y, x @ w, **TOL)
    np.testing.assert_allclose(values(p, "relu_out", (1, 3)), np.maximum(x @ w, 0.0), **TOL)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide09_11_initialise_placeholder_feed(seed):
    p, _ = run(SLIDES / "slide09_11_initialise_placeholder_feed.py", "--seed", seed)
    w = values(p, "w", (3, 3))
    np.testing.assert_allclose(values(p, "relu_out", (1, 3)), np.maximum(X @ w, 0.0), **TOL)
    x2 = values(p, "x2", (1, 3))
    np.testing.assert_array_equal(x2, [[-1.0, 0.5, 2.0]])
    np.testing.assert_allclose(values(p, "relu_out for x2", (1, 3)), np.maximum(x2 @ w, 0.0), **TOL)
    assert words(p, "run without the feed") == ["InvalidArgumentError"]
    # TF: running a random op again in the same session draws new values.
    w_again = values(p, "w after global_variables_initializer", (3, 3))
    assert not np.allclose(w_again, w)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide12_session_management(seed):
    p, _ = run(SLIDES / "slide12_session_management.py", "--seed", seed)
    assert words(p, "run after close") == ["RuntimeError"]
    first_w = values(p, "session w", (3, 3))
    for kind in ("session", "with-block", "interactive"):
        w = values(p, f"{kind} w", (3, 3))
        # TF: with a seed, each new session repeats the random op's first draw.
        np.testing.assert_array_equal(w, first_w)
        np.testing.assert_allclose(
            values(p, f"{kind} relu_out", (1, 3)), np.maximum(X @ w, 0.0), **TOL
        )


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide13_14_prediction(seed):
    p, _ = run(SLIDES / "slide13_14_prediction.py", "--seed", seed)
    w = values(p, "w", (3, 3))
    relu_out = values(p, "relu_out", (1, 3))
    np.testing.assert_allclose(relu_out, np.maximum(X @ w, 0.0), **TOL)
    softmax = values(p, "softmax", (1, 3))
    np.testing.assert_allclose(softmax, ref.softmax(relu_out), **TOL)
    np.testing.assert_allclose(softmax.sum(axis=1), 1.0, atol=1e-6)
    answer = values(p, "answer", (1, 3))
    np.testing.assert_array_equal(answer, ANSWER)
    np.testing.assert_allclose(
        values(p, "prediction difference", (1, 3)), answer - softmax, atol=1e-7
    )


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide15_17_loss_training(seed):
    p, _ = run(SLIDES / "slide15_17_loss_training.py", "--seed", seed)
    layers = [(values(p, "w (initial)", (3, 3)), None)]
    np.testing.assert_allclose(
        values(p, "loss (initial)", (1,)), ref.loss(X, ANSWER, layers, None), **TOL
    )
    layers, _, want = ref.sgd(X, ANSWER, layers, None, steps=10)
    got = losses(p, "step {} loss")
    np.testing.assert_allclose(np.concatenate(got), np.concatenate(want), **TOL)
    w = values(p, "w (trained)", (3, 3))
    np.testing.assert_allclose(w, layers[0][0], **TOL)
    assert got[-1][0] < values(p, "loss (initial)", (1,))[0]
    np.testing.assert_allclose(
        values(p, "prediction difference", (1, 3)),
        ANSWER - ref.softmax(np.maximum(X @ w, 0.0)),
        **TOL,
    )


def _check_training(p, prefix, layer_names, head_names):
    """Replays 10 SGD steps from the printed initial parameters; compares all printed values.

    ``layer_names`` is ``[(w name, b name or None), ...]``, ``head_names`` likewise.
    """

    def get(name, when, shape):
        return None if name is None else values(p, f"{prefix}{name} ({when})", shape)

    def params(when):
        layers = [(get(w, when, (3, 3)), get(b, when, (1, 3))) for w, b in layer_names]
        return layers, (get(head_names[0], when, (3, 3)), get(head_names[1], when, (1, 3)))

    layers, head = params("initial")
    np.testing.assert_allclose(
        values(p, f"{prefix}loss (initial)", (1,)), ref.loss(X, ANSWER, layers, head), **TOL
    )
    layers, head, want = ref.sgd(X, ANSWER, layers, head, steps=10)
    got = losses(p, prefix + "step {} loss")
    np.testing.assert_allclose(np.concatenate(got), np.concatenate(want), **TOL)
    assert got[-1][0] < values(p, f"{prefix}loss (initial)", (1,))[0]
    got_layers, got_head = params("trained")
    for g, r in zip(
        [q for pair in [*got_layers, got_head] for q in pair],
        [q for pair in [*layers, head] for q in pair],
    ):
        if r is None:
            assert g is None
        else:
            np.testing.assert_allclose(g, r, **TOL)
    return layers, head


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide18_19_softmax_layer_biases(seed):
    p, _ = run(SLIDES / "slide18_19_softmax_layer_biases.py", "--seed", seed)
    layers, head = _check_training(p, "slide18 ", [("w", None)], ("softmax_w", None))
    assert "slide18 b (initial)" not in p and "slide18 softmax_b (initial)" not in p
    softmax = values(p, "slide18 softmax", (1, 3))
    w0 = values(p, "slide18 w (initial)", (3, 3))
    sw0 = values(p, "slide18 softmax_w (initial)", (3, 3))
    np.testing.assert_allclose(softmax, ref.softmax(np.maximum(X @ w0, 0.0) @ sw0), **TOL)
    _, logits = ref.forward(X, layers, head)
    np.testing.assert_allclose(
        values(p, "slide18 prediction difference", (1, 3)), ANSWER - ref.softmax(logits), **TOL
    )

    layers, head = _check_training(p, "slide19 ", [("w", "b")], ("softmax_w", "softmax_b"))
    np.testing.assert_array_equal(values(p, "slide19 b (initial)", (1, 3)), 0.0)
    np.testing.assert_array_equal(values(p, "slide19 softmax_b (initial)", (1, 3)), 0.0)
    _, logits = ref.forward(X, layers, head)
    np.testing.assert_allclose(
        values(p, "slide19 prediction difference", (1, 3)), ANSWER - ref.softmax(logits), **TOL
    )


@pytest.mark.parametrize("num_layers", [2, 3])
def test_slide20_deep_names(num_layers):
    p, _ = run(SLIDES / "slide20_deep.py", "--seed", SEEDS[0], "--num-layers", num_layers)
    np.testing.assert_array_equal(values(p, "num_layers", (1,)), [num_layers])
    # TF: an unnamed op takes its type as name, made unique with _1, _2, ...
    var_names = ["Variable"] + [f"Variable_{i}" for i in range(1, 2 * num_layers + 2)]
    assert words(p, "layer variable names") == var_names[: 2 * num_layers]
    assert words(p, "softmax variable names") == var_names[2 * num_layers :]
    assert words(p, "relu names") == ["Relu"] + [f"Relu_{i}" for i in range(1, num_layers)]


@pytest.mark.parametrize("seed", SEEDS[:2])
@pytest.mark.parametrize("num_layers", [2, 3])
def test_slide20_deep_trains_like_numpy(seed, num_layers):
    p, _ = run(SLIDES / "slide20_deep.py", "--seed", seed, "--num-layers", num_layers)
    names = ["Variable"] + [f"Variable_{i}" for i in range(1, 2 * num_layers + 2)]
    layers, head = _check_training(p, "", list(zip(names[:-2:2], names[1:-2:2])), names[-2:])
    _, logits = ref.forward(X, layers, head)
    np.testing.assert_allclose(
        values(p, "prediction difference", (1, 3)), ANSWER - ref.softmax(logits), **TOL
    )


def _naming(seed=SEEDS[0]):
    return run(SLIDES / "slide22_23_naming.py", "--seed", seed)[0]


def test_slide22_23_names():
    p = _naming()
    assert words(p, "layer 0 names") == ["relu/w", "relu/b", "relu/Relu"]
    assert words(p, "layer 1 names") == ["relu_1/w", "relu_1/b", "relu_1/Relu"]
    assert words(p, "softmax layer names") == ["softmax/w", "softmax/b", "softmax/Softmax"]
    assert words(p, "loss name") == ["xentropy"]
    assert {
        "relu",
        "relu_1",
        "softmax",
        "x",
        "labels",
        "xentropy",
        "gradients",
        "GradientDescent",
    } <= set(words(p, "top-level scopes"))
    names = words(p, "all op names")
    assert len(names) == len(set(names))
    for scope in ("relu", "relu_1", "softmax"):
        for op in ("random_normal", "w", "b", "MatMul", "zeros"):
            assert f"{scope}/{op}" in names
    # No layer op escapes its scope.
    for name in names:
        top = name.split("/")[0]
        if top not in ("relu", "relu_1", "softmax", "gradients", "GradientDescent"):
            assert not any(k in name for k in ("MatMul", "Relu", "Softmax", "random_normal"))


def test_slide22_23_plus_is_named_add_as_in_tf():
    # TF 1.x names the op made by ``a + b`` "add" (``tf.add`` makes "Add").
    names = words(_naming(), "all op names")
    for scope in ("relu", "relu_1", "softmax"):
        assert f"{scope}/add" in names


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide22_23_trains_like_numpy(seed):
    p = _naming(seed)
    _check_training(
        p, "", [("relu/w", "relu/b"), ("relu_1/w", "relu_1/b")], ("softmax/w", "softmax/b")
    )


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide24_regularisation(seed):
    p, _ = run(SLIDES / "slide24_regularisation.py", "--seed", seed)

    def params(when):
        return (
            [(values(p, f"w ({when})", (3, 3)), values(p, f"b ({when})", (1, 3)))],
            (values(p, f"softmax_w ({when})", (3, 3)), values(p, f"softmax_b ({when})", (1, 3))),
        )

    layers, head = params("initial")
    l2reg = values(p, "l2reg", (1,))
    np.testing.assert_allclose(l2reg, np.sum(head[0] ** 2), **TOL)
    xent = values(p, "cross_entropy (initial)", (1,))
    np.testing.assert_allclose(xent, ref.loss(X, ANSWER, layers, head), **TOL)
    np.testing.assert_allclose(values(p, "loss (initial)", (1,)), xent + l2reg, **TOL)
    np.testing.assert_allclose(
        values(p, "loss (initial)", (1,)), ref.loss(X, ANSWER, layers, head, l2=1.0), **TOL
    )
    layers, head, want = ref.sgd(X, ANSWER, layers, head, steps=10, l2=1.0)
    got = losses(p, "step {} loss")
    np.testing.assert_allclose(np.concatenate(got), np.concatenate(want), **TOL)
    got_layers, got_head = params("trained")
    for g, r in zip([*got_layers[0], *got_head], [*layers[0], *head]):
        np.testing.assert_allclose(g, r, **TOL)
    np.testing.assert_allclose(values(p, "l2reg (trained)", (1,)), np.sum(head[0] ** 2), **TOL)
    # Without the penalty's gradient (2 * softmax_w) the result would differ.
    no_l2 = ref.sgd(X, ANSWER, *params("initial"), steps=10)[1]
    assert not np.allclose(got_head[0], no_l2[0], **TOL)


def test_every_example_is_listed_and_tested():
    readme = (EXAMPLES / "README.md").read_text()
    source = Path(__file__).read_text()
    scripts = [EXAMPLES / "tutorial.py", *sorted(SLIDES.glob("*.py"))]
    assert len(scripts) >= 10
    for script in scripts:
        rel = script.relative_to(EXAMPLES).as_posix()
        assert rel in readme, f"{rel} missing from examples/README.md"
        assert f'"{script.name}"' in source, f"{script.name} not run by this test"


# ---- slides 21 and 28: TensorBoard -----------------------------------------------------------
def _event_accumulator(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def test_slide21_writes_the_graph_tensorboard_groups(tmp_path):
    p, _ = run(SLIDES / "slide21_visualise_graph.py", "--seed", SEEDS[0], "--logdir", tmp_path)
    assert words(p, "file version") == ["brain.Event:2"]
    assert values(p, "graph nodes", (1,)) == values(p, "graph ops in this program", (1,))
    assert {"relu", "relu_1", "softmax", "gradients"} <= set(words(p, "TensorBoard groups"))
    assert words(p, "node relu_1/MatMul") == ["MatMul", "relu/Relu", "relu_1/w/read"]
    graph = _event_accumulator(tmp_path).Graph()
    names = {n.name: n.op for n in graph.node}
    assert len(names) == values(p, "graph nodes", (1,))[0]
    for scope in ("relu", "relu_1", "softmax"):
        assert names[f"{scope}/MatMul"] == "MatMul" and names[f"{scope}/w"] == "VariableV2"


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide28_summaries_per_step_match_numpy(seed, tmp_path):
    script = SLIDES / "slide28_visualise_states.py"
    p, _ = run(script, "--seed", seed, "--logdir", tmp_path)
    _layers, _head = _check_training(p, "", [("w", "b")], ("softmax_w", "softmax_b"))
    acc = _event_accumulator(tmp_path)
    assert acc.Tags()["scalars"] == ["loss"]
    assert sorted(acc.Tags()["histograms"]) == ["relu/w", "softmax/w"]
    # a summary run with train_op sees the values before that step's update
    before = [values(p, "loss (initial)", (1,)), *losses(p, "step {} loss", steps=9)]
    scalars = acc.Scalars("loss")
    assert [s.step for s in scalars] == list(range(10))
    np.testing.assert_allclose([s.value for s in scalars], np.concatenate(before), **TOL)
    w0 = values(p, "w (initial)", (3, 3))
    h0 = acc.Histograms("relu/w")[0].histogram_value
    assert (h0.num, h0.min, h0.max) == (9, pytest.approx(w0.min()), pytest.approx(w0.max()))
    np.testing.assert_allclose(h0.sum, w0.sum(), **TOL)
    h9 = acc.Histograms("softmax/w")[-1].histogram_value
    assert h9.num == 9 and len(acc.Histograms("softmax/w")) == 10
    graph_names = {n.name for n in acc.Graph().node}
    assert {"relu/MatMul", "softmax/MatMul", "xentropy"} <= graph_names


# ---- slide 29: save and restore -----------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS[:2])
def test_slide29_restore_replaces_initialisation(seed, tmp_path):
    import tflite_core as tf

    p, _ = run(SLIDES / "slide29_save_restore.py", "--seed", seed, "--logdir", tmp_path)
    assert words(p, "saved to") == [str(tmp_path / "model-10")]
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "model-10")
    np.testing.assert_array_equal(values(p, "global_step (restored)", (1,)), [10])
    reader = tf.train.load_checkpoint(str(tmp_path))
    shapes = {"w": (3, 3), "b": (1, 3), "softmax_w": (3, 3), "softmax_b": (1, 3)}
    restored = {}
    for name, shape in shapes.items():
        saved = values(p, f"{name} (saved)", shape).astype(np.float32)
        restored[name] = values(p, f"{name} (restored)", shape).astype(np.float32)
        np.testing.assert_array_equal(restored[name], saved)  # printed in full (repr of lists)
        np.testing.assert_array_equal(reader.get_tensor(name), saved)
    relu = np.maximum(X @ restored["w"] + restored["b"], 0.0)
    want = ref.softmax(relu @ restored["softmax_w"] + restored["softmax_b"])
    np.testing.assert_allclose(values(p, "softmax (restored)", (1, 3)), want, **TOL)
    assert not np.allclose(values(p, "softmax (initial)", (1, 3)), want, **TOL)


# ---- slides 25-27: parallel path, activation as bias, residual block ----------------------------
_WIDE_SHAPES = {
    "slide25": {"a_w": (3, 3), "a_b": (1, 3), "b_w": (3, 3), "b_b": (1, 3), "softmax_w": (6, 3)},
    "slide26": {"h1_w": (3, 3), "h1_b": (1, 3), "h2_w": (3, 3), "softmax_w": (3, 3)},
    "slide27": {"h1_w": (3, 3), "h1_b": (1, 3), "f_w": (3, 3), "f_b": (1, 3), "softmax_w": (3, 3)},
}


def _wide_logit(T, prefix, v, x):
    """The slide's network in TensorFlow, on variables ``v`` (name -> tf.Variable)."""
    relu, mm = T.nn.relu, T.matmul
    if prefix == "slide25":
        joined = T.concat([relu(mm(x, v["a_w"]) + v["a_b"]), relu(mm(x, v["b_w"]) + v["b_b"])], 1)
    elif prefix == "slide26":
        h1 = relu(mm(x, v["h1_w"]) + v["h1_b"])
        joined = relu(mm(h1, v["h2_w"]) + h1)
    else:
        h1 = relu(mm(x, v["h1_w"]) + v["h1_b"])
        joined = h1 + relu(mm(h1, v["f_w"]) + v["f_b"])
    return mm(joined, v["softmax_w"]) + v["softmax_b"]


@pytest.mark.parametrize("seed", SEEDS[:2])
@pytest.mark.parametrize("prefix", sorted(_WIDE_SHAPES))
def test_slide25_27_train_like_tensorflow(seed, prefix):
    """TensorFlow 2.21 (compat.v1) trains the same network from the printed initial values."""
    import tensorflow as T

    p, _ = run(SLIDES / "slide25_27_parallel_bias_residual.py", "--seed", seed)
    shapes = {**_WIDE_SHAPES[prefix], "softmax_b": (1, 3)}
    init = {k: values(p, f"{prefix} {k} (initial)", s) for k, s in shapes.items()}
    g = T.Graph()
    with g.as_default():
        v = {k: T.Variable(a.astype(np.float32)) for k, a in init.items()}
        logit = _wide_logit(T, prefix, v, T.constant(X, T.float32))
        loss = T.nn.softmax_cross_entropy_with_logits(labels=ANSWER, logits=logit)
        train = T.compat.v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        with T.compat.v1.Session() as sess:
            sess.run(T.compat.v1.global_variables_initializer())
            np.testing.assert_allclose(values(p, f"{prefix} logit", (1, 3)), sess.run(logit), **TOL)
            want = [sess.run(loss)]
            for _ in range(10):
                sess.run(train)
                want.append(sess.run(loss))
            trained = sess.run(v)
    got = [values(p, f"{prefix} loss (initial)", (1,)), *losses(p, prefix + " step {} loss")]
    np.testing.assert_allclose(np.concatenate(got), np.concatenate(want), **TOL)
    assert got[-1][0] < got[0][0]
    for k, s in shapes.items():
        np.testing.assert_allclose(values(p, f"{prefix} {k} (trained)", s), trained[k], **TOL)
