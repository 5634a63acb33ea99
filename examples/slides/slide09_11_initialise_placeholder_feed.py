"""Slides 9-11: initialise the variables; a placeholder for the input; feed it at run time.

``tf.placeholder(<data type>, shape=<optional-shape>, name=<optional-name>)`` is filled by
``feed_dict`` in ``sess.run``; running without the feed raises ``InvalidArgumentError``.

Run: ``python examples/slides/slide09_11_initialise_placeholder_feed.py [--seed N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def main(seed=None):
    """Initialises ``w``, then feeds two inputs through the ReLU layer."""
    if seed is not None:
        tf.set_random_seed(seed)

    # Slide 10: the input is a placeholder.
    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    relu_out = tf.nn.relu(tf.matmul(x, w))

    sess = tf.Session()
    # Slide 9: fill the Variable nodes (TF 1.x name: tf.global_variables_initializer()).
    sess.run(tf.initialize_all_variables())
    print("w:", sess.run(w))

    # Slide 11: feed the placeholder.
    print("relu_out:", sess.run(relu_out, feed_dict={x: np.array([[1.0, 2.0, 3.0]])}))
    print("x2:", np.array([[-1.0, 0.5, 2.0]]))
    print("relu_out for x2:", sess.run(relu_out, feed_dict={x: np.array([[-1.0, 0.5, 2.0]])}))
    try:
        sess.run(relu_out)
    except tf.errors.InvalidArgumentError as e:
        print("run without the feed:", type(e).__name__)

    # The TF 1.x name does the same. It re-runs the random op, which draws new values (a new
    # session would repeat the first draw; see slide 12).
    sess.run(tf.global_variables_initializer())
    print("w after global_variables_initializer:", sess.run(w))
    sess.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    main(parser.parse_args().seed)
