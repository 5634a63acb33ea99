"""Slides 25-27: wider nets from the same pieces. A parallel path (slide 25: two ReLU branches of
one input, joined by concatenation), an activation used as a bias (slide 26: "everything is a
tensor", so the first layer's output is added where the second layer's bias would go) and a
residual block (slide 27, He et al. 2015: output = input + f(input)). Each network trains for 10
gradient-descent steps.

Run: ``python examples/slides/slide25_27_parallel_bias_residual.py [--seed N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def train(prefix, variables, x, labels, logit):
    """Initialises, prints the initial parameters, trains 10 steps, prints the results."""
    answer = np.array([[0.0, 1.0, 0.0]])
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cross_entropy)
    feed = {x: np.array([[1.0, 2.0, 3.0]]), labels: answer}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for name, value in zip(variables, sess.run(list(variables.values()))):
            print(f"{prefix} {name} (initial):", value)
        print(f"{prefix} logit:", sess.run(logit, feed_dict={x: feed[x]}))
        print(f"{prefix} loss (initial):", sess.run(cross_entropy, feed_dict=feed))
        for step in range(10):
            sess.run(train_op, feed_dict=feed)
            print(f"{prefix} step {step + 1} loss:", sess.run(cross_entropy, feed_dict=feed))
        for name, value in zip(variables, sess.run(list(variables.values()))):
            print(f"{prefix} {name} (trained):", value)


def layer(name, shape):
    """A weight (random normal) and a bias (zeros) named ``name_w`` / ``name_b``."""
    w = tf.Variable(tf.random_normal(shape), name=f"{name}_w")
    b = tf.Variable(tf.zeros([1, shape[1]]), name=f"{name}_b")
    return w, b


def main(seed=None):
    """Builds and trains the three networks, each in a fresh graph."""
    builds = {
        "slide25": "parallel",
        "slide26": "activation as bias",
        "slide27": "residual",
    }
    for prefix, kind in builds.items():
        tf.reset_default_graph()
        if seed is not None:
            tf.set_random_seed(seed)
        x = tf.placeholder("float", [1, 3], name="x")
        labels = tf.placeholder("float", [1, 3], name="labels")
        if kind == "parallel":
            a_w, a_b = layer("a", [3, 3])
            b_w, b_b = layer("b", [3, 3])
            path_a = tf.nn.relu(tf.matmul(x, a_w) + a_b)
            path_b = tf.nn.relu(tf.matmul(x, b_w) + b_b)
            joined = tf.concat([path_a, path_b], 1)  # [1, 6]
            s_w, s_b = layer("softmax", [6, 3])
            logit = tf.matmul(joined, s_w) + s_b
            params = {"a_w": a_w, "a_b": a_b, "b_w": b_w, "b_b": b_b}
        elif kind == "activation as bias":
            h1_w, h1_b = layer("h1", [3, 3])
            h1 = tf.nn.relu(tf.matmul(x, h1_w) + h1_b)
            h2_w = tf.Variable(tf.random_normal([3, 3]), name="h2_w")
            h2 = tf.nn.relu(tf.matmul(h1, h2_w) + h1)  # h1 where a bias would go
            s_w, s_b = layer("softmax", [3, 3])
            logit = tf.matmul(h2, s_w) + s_b
            params = {"h1_w": h1_w, "h1_b": h1_b, "h2_w": h2_w}
        else:
            h1_w, h1_b = layer("h1", [3, 3])
            h1 = tf.nn.relu(tf.matmul(x, h1_w) + h1_b)
            f_w, f_b = layer("f", [3, 3])
            block = h1 + tf.nn.relu(tf.matmul(h1, f_w) + f_b)  # input + f(input)
            s_w, s_b = layer("softmax", [3, 3])
            logit = tf.matmul(block, s_w) + s_b
            params = {"h1_w": h1_w, "h1_b": h1_b, "f_w": f_w, "f_b": f_b}
        params.update(softmax_w=s_w, softmax_b=s_b)
        print(f"{prefix} network:", kind)
        train(prefix, params, x, labels, logit)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    args = parser.parse_args()
    main(args.seed)
