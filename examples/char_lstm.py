"""A 2-layer character-level LSTM language model, written the TF 1.x way: ``MultiRNNCell`` of two
``BasicLSTMCell`` (the fused LSTM step) unrolled by ``static_rnn``, a softmax over the characters,
``AdamOptimizer`` with gradients clipped by global norm; then sampling, one character per
``Session.run``, with the cell called again on a batch of one and its state fed back.

The text is the standard library's ``pydoc_data/topics.py`` (Python's own help topics; a slice
of it keeps this fast). Run: ``python examples/char_lstm.py [--steps N] [--seed N]``. It prints
the per-character loss (nats, a moving average) as it falls, the step at which it falls below
``--target`` (default 1.5 nats; a unigram model of this text scores about 2.6) and a 200-character
sample.
"""

import argparse
import importlib.resources
import time

import numpy as np

import tflite_core as tf

HIDDEN, LAYERS, STEPS_PER_SEQ, BATCH = 128, 2, 32, 32


def load_text(n_chars: int) -> str:
    text = importlib.resources.files("pydoc_data").joinpath("topics.py").read_text("utf-8")
    start = text.find("The ")  # past the file's header line
    return text[start : start + n_chars]


def build(vocab: int, seed: int):
    """Training graph (batch of windows) and a one-character sampling graph sharing the cell."""
    tf.set_random_seed(seed)
    cell = tf.nn.rnn_cell.MultiRNNCell(
        [tf.nn.rnn_cell.BasicLSTMCell(HIDDEN) for _ in range(LAYERS)]
    )
    inputs = tf.placeholder(tf.int32, [BATCH, STEPS_PER_SEQ], name="inputs")
    targets = tf.placeholder(tf.int32, [BATCH, STEPS_PER_SEQ], name="targets")
    embedding = tf.get_variable("embedding", [vocab, 64])
    with tf.variable_scope("softmax"):
        w = tf.get_variable("w", [HIDDEN, vocab])
        b = tf.get_variable("b", [vocab], initializer=tf.zeros_initializer())
    xs = tf.unstack(tf.gather(embedding, inputs), axis=1)  # STEPS_PER_SEQ x [BATCH, 64]
    with tf.variable_scope("rnn") as scope:
        outputs, _ = tf.nn.static_rnn(cell, xs, dtype=tf.float32, scope=scope)
    logits = tf.matmul(tf.reshape(tf.stack(outputs, axis=1), [-1, HIDDEN]), w) + b
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(targets, [-1]), logits=logits
        )
    )
    params = tf.trainable_variables()
    grads, _ = tf.clip_by_global_norm(tf.gradients(loss, params), 5.0)
    train_op = tf.train.AdamOptimizer(0.01).apply_gradients(zip(grads, params))

    # sampling: one character, the state fed in and fetched back
    char = tf.placeholder(tf.int32, [1], name="char")
    state_in = tuple(
        tf.nn.rnn_cell.LSTMStateTuple(
            tf.placeholder(tf.float32, [1, HIDDEN]), tf.placeholder(tf.float32, [1, HIDDEN])
        )
        for _ in range(LAYERS)
    )
    with tf.variable_scope("rnn"):
        out, state_out = cell(tf.gather(embedding, char), state_in)  # the same variables
    probs = tf.nn.softmax(tf.matmul(out, w) + b)
    return (inputs, targets, loss, train_op), (char, state_in, probs, state_out)


def sample(sess, sampler, chars, prime, n, rng, temperature=0.7):
    """Feeds ``prime`` through the cell, then draws ``n`` characters, each fed back in."""
    char, state_in, probs, state_out = sampler
    state = [(np.zeros((1, HIDDEN), np.float32),) * 2 for _ in range(LAYERS)]
    cur, out = [chars.index(c) for c in prime], []
    for _ in range(n):
        for k in cur:
            feed = {char: [k]}
            for (pc, ph), (c_val, h_val) in zip(state_in, state):
                feed[pc], feed[ph] = c_val, h_val
            p, state = sess.run([probs, state_out], feed)
        logp = np.log(np.maximum(p[0].astype(np.float64), 1e-12)) / temperature
        q = np.exp(logp - logp.max())
        cur = [int(rng.choice(len(chars), p=q / q.sum()))]
        out.append(cur[0])
    return "".join(chars[i] for i in out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--target", type=float, default=1.5)
    ap.add_argument("--chars", type=int, default=200_000, help="slice of the text to train on")
    args = ap.parse_args(argv)
    text = load_text(args.chars)
    chars = sorted(set(text))
    data = np.array([chars.index(c) for c in text], np.int32)
    rng = np.random.default_rng(args.seed)
    print(f"text: {len(text)} characters, {len(chars)} distinct")
    with tf.Graph().as_default():
        (inputs, targets, loss, train_op), sampler = build(len(chars), args.seed)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            t0, avg, reached = time.perf_counter(), None, None
            for step in range(1, args.steps + 1):
                starts = rng.integers(0, len(data) - STEPS_PER_SEQ - 1, BATCH)
                idx = starts[:, None] + np.arange(STEPS_PER_SEQ)
                value, _ = sess.run([loss, train_op], {inputs: data[idx], targets: data[idx + 1]})
                avg = value if avg is None else 0.9 * avg + 0.1 * value
                if step % 50 == 0 or step == 1:
                    print(f"step {step} loss: {avg:.3f}")
                if reached is None and step >= 20 and avg < args.target:
                    reached = step
                    print(f"loss below {args.target:.2f} at step {step}: {avg:.3f}")
            print(f"final loss: {avg:.3f}")
            print(f"training seconds: {time.perf_counter() - t0:.1f}")
            text_out = sample(sess, sampler, chars, "The ", 200, rng)
    print("sample:")
    print(text_out)
    return text_out


if __name__ == "__main__":
    main()
