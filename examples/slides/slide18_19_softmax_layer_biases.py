"""Slides 18-19: a softmax layer on top of the ReLU layer (slide 18), then biases in both
layers (slide 19). Each network trains for 10 gradient-descent steps on the logits' loss.

Run: ``python examples/slides/slide18_19_softmax_layer_biases.py [--seed N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def train(prefix, variables, x, labels, softmax, cross_entropy):
    """Initialises, prints the initial parameters, trains 10 steps, prints the results."""
    answer = np.array([[0.0, 1.0, 0.0]])
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cross_entropy)
    feed = {x: np.array([[1.0, 2.0, 3.0]]), labels: answer}
    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        for name, value in zip(variables, sess.run(list(variables.values()))):
            print(f"{prefix} {name} (initial):", value)
        print(f"{prefix} softmax:", sess.run(softmax, feed_dict={x: feed[x]}))
        print(f"{prefix} loss (initial):", sess.run(cross_entropy, feed_dict=feed))
        for step in range(10):
            sess.run(train_op, feed_dict=feed)
            print(f"{prefix} step {step + 1} loss:", sess.run(cross_entropy, feed_dict=feed))
        for name, value in zip(variables, sess.run(list(variables.values()))):
            print(f"{prefix} {name} (trained):", value)
        print(
            f"{prefix} prediction difference:", answer - sess.run(softmax, feed_dict={x: feed[x]})
        )


def main(seed=None):
    """Builds and trains the slide 18 network, then the slide 19 one."""
    # Slide 18: softmax layer.
    if seed is not None:
        tf.set_random_seed(seed)
    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    relu_out = tf.nn.relu(tf.matmul(x, w))
    softmax_w = tf.Variable(tf.random_normal([3, 3]), name="softmax_w")
    logit = tf.matmul(relu_out, softmax_w)
    softmax = tf.nn.softmax(logit)
    labels = tf.placeholder("float", [1, 3])
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")
    train("slide18", {"w": w, "softmax_w": softmax_w}, x, labels, softmax, cross_entropy)

    # Slide 19: biases, in a fresh graph.
    tf.reset_default_graph()
    if seed is not None:
        tf.set_random_seed(seed)
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
    train(
        "slide19",
        {"w": w, "b": b, "softmax_w": softmax_w, "softmax_b": softmax_b},
        x,
        labels,
        softmax,
        cross_entropy,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    main(parser.parse_args().seed)
