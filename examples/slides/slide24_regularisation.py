"""Slide 24: regularisation. An L2 penalty on the softmax weights joins the loss; the optimiser
differentiates the sum automatically.

Run: ``python examples/slides/slide24_regularisation.py [--seed N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def main(seed=None):
    """Trains the slide 19 network on ``cross_entropy + l2reg`` for 10 steps."""
    if seed is not None:
        tf.set_random_seed(seed)

    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    b = tf.Variable(tf.zeros([1, 3]), name="b")
    relu_out = tf.nn.relu(tf.matmul(x, w) + b)
    softmax_w = tf.Variable(tf.random_normal([3, 3]), name="softmax_w")
    softmax_b = tf.Variable(tf.zeros([1, 3]), name="softmax_b")
    logit = tf.matmul(relu_out, softmax_w) + softmax_b
    labels = tf.placeholder("float", [1, 3])
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")

    # Slide 24: the regulariser and the regularised loss.
    l2reg = tf.reduce_sum(tf.square(softmax_w))
    loss = cross_entropy + l2reg
    optimizer = tf.train.GradientDescentOptimizer(0.1)
    train_op = optimizer.minimize(loss)

    feed = {x: np.array([[1.0, 2.0, 3.0]]), labels: np.array([[0.0, 1.0, 0.0]])}
    params = [w, b, softmax_w, softmax_b]
    names = ["w", "b", "softmax_w", "softmax_b"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for name, value in zip(names, sess.run(params)):
            print(f"{name} (initial):", value)
        print("l2reg:", sess.run(l2reg))
        print("cross_entropy (initial):", sess.run(cross_entropy, feed_dict=feed))
        print("loss (initial):", sess.run(loss, feed_dict=feed))
        for step in range(10):
            sess.run(train_op, feed_dict=feed)
            print(f"step {step + 1} loss:", sess.run(loss, feed_dict=feed))
        for name, value in zip(names, sess.run(params)):
            print(f"{name} (trained):", value)
        print("l2reg (trained):", sess.run(l2reg))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    main(parser.parse_args().seed)
