"""Slides 15-17: the loss (softmax cross-entropy, logits first), a gradient-descent optimiser,
and 10 iterative updates. Here ``relu_out`` itself is the logits (the softmax layer is slide 18).

Run: ``python examples/slides/slide15_17_loss_training.py [--seed N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def main(seed=None):
    """Trains ``w`` for 10 steps, printing the loss after each."""
    if seed is not None:
        tf.set_random_seed(seed)

    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    relu_out = tf.nn.relu(tf.matmul(x, w))
    softmax = tf.nn.softmax(relu_out)
    answer = np.array([[0.0, 1.0, 0.0]])

    # Slide 15: loss.
    labels = tf.placeholder("float", [1, 3])
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(relu_out, labels, name="xentropy")
    # Slide 16: optimisation.
    optimizer = tf.train.GradientDescentOptimizer(0.1)
    train_op = optimizer.minimize(cross_entropy)

    sess = tf.Session()
    sess.run(tf.initialize_all_variables())
    feed = {x: np.array([[1.0, 2.0, 3.0]]), labels: answer}
    print("w (initial):", sess.run(w))
    print("loss (initial):", sess.run(cross_entropy, feed_dict=feed))
    # Slides 16-17: one update per sess.run(train_op, ...), iterated.
    for step in range(10):
        sess.run(train_op, feed_dict=feed)
        print(f"step {step + 1} loss:", sess.run(cross_entropy, feed_dict=feed))
    print("w (trained):", sess.run(w))
    print("prediction difference:", answer - sess.run(softmax, feed_dict=feed))
    sess.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    main(parser.parse_args().seed)
