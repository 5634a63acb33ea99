"""Slide 29: save and restore. ``tf.train.Saver()`` checkpoints every variable; restoring one in a
new session replaces running the initializers.

The tutorial's network (examples/tutorial.py) trains for 10 steps with a global step, is saved
with ``saver.save(sess, path, global_step=step)``, and then a second session restores it and
predicts again. Values print as ``label: value`` (lists, exactly as stored).

Run: ``python examples/slides/slide29_save_restore.py [--seed N] [--logdir DIR]``
(the default logdir is a fresh temporary directory).
"""

import argparse
import os
import tempfile

import numpy as np

import tflite_core as tf


def main(seed=None, logdir=None):
    """Trains, saves, restores in a new session, and prints the values before and after."""
    if seed is not None:
        tf.set_random_seed(seed)
    logdir = logdir or tempfile.mkdtemp(prefix="slide29_")

    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    b = tf.Variable(tf.zeros([1, 3]), name="b")
    relu_out = tf.nn.relu(tf.matmul(x, w) + b)
    softmax_w = tf.Variable(tf.random_normal([3, 3]), name="softmax_w")
    softmax_b = tf.Variable(tf.zeros([1, 3]), name="softmax_b")
    logit = tf.matmul(relu_out, softmax_w) + softmax_b
    softmax = tf.nn.softmax(logit)
    labels = tf.placeholder("float", [1, 3])
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")
    global_step = tf.Variable(0, name="global_step", trainable=False)
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(
        cross_entropy, global_step=global_step
    )

    # Slide 29: a Saver for all variables (the global step too).
    saver = tf.train.Saver()

    feed = {x: np.array([[1.0, 2.0, 3.0]]), labels: np.array([[0.0, 1.0, 0.0]])}
    params = {"w": w, "b": b, "softmax_w": softmax_w, "softmax_b": softmax_b}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("softmax (initial):", sess.run(softmax, feed_dict=feed).tolist())
        for _ in range(10):
            sess.run(train_op, feed_dict=feed)
        step = sess.run(global_step)
        path = saver.save(sess, os.path.join(logdir, "model"), global_step=step)
        print("saved to:", path)
        for name, value in sess.run(params).items():
            print(f"{name} (saved):", value.tolist())
        print("softmax (saved):", sess.run(softmax, feed_dict=feed).tolist())

    # A new session: restore instead of initialising.
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(logdir))
        print("global_step (restored):", sess.run(global_step))
        for name, value in sess.run(params).items():
            print(f"{name} (restored):", value.tolist())
        print("softmax (restored):", sess.run(softmax, feed_dict=feed).tolist())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    parser.add_argument("--logdir", default=None, help="checkpoint directory (default: a temp dir)")
    args = parser.parse_args()
    main(args.seed, args.logdir)
