"""Slides 13-14: the prediction ``tf.nn.softmax(relu_out)``, n outputs that sum to 1, and the
prediction difference ``answer - sess.run(softmax, ...)``.

Run: ``python examples/slides/slide13_14_prediction.py [--seed N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def main(seed=None):
    """Prints the softmax prediction and its difference from the answer."""
    if seed is not None:
        tf.set_random_seed(seed)

    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    relu_out = tf.nn.relu(tf.matmul(x, w))
    # Slide 13: prediction.
    softmax = tf.nn.softmax(relu_out)

    sess = tf.Session()
    sess.run(tf.initialize_all_variables())
    feed = {x: np.array([[1.0, 2.0, 3.0]])}
    print("w:", sess.run(w))
    print("relu_out:", sess.run(relu_out, feed_dict=feed))
    print("softmax:", sess.run(softmax, feed_dict=feed))

    # Slide 14: prediction difference.
    answer = np.array([[0.0, 1.0, 0.0]])
    print("answer:", answer)
    print("prediction difference:", answer - sess.run(softmax, feed_dict=feed))
    sess.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    main(parser.parse_args().seed)
