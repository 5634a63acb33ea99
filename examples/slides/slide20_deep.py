"""Slide 20: make it deep: a loop stacks ``num_layers`` ReLU layers under the softmax layer.

Without name scopes every op takes its type as its name, made unique by a suffix: ``Relu``,
``Relu_1``, ...; the variables are ``Variable``, ``Variable_1``, ...

Run: ``python examples/slides/slide20_deep.py [--seed N] [--num-layers N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def main(seed=None, num_layers=2):
    """Builds a ``num_layers``-deep ReLU net with a softmax layer and trains it 10 steps."""
    if seed is not None:
        tf.set_random_seed(seed)

    x = tf.placeholder("float", [1, 3])
    relu_out = x
    layer_vars = []
    relu_outs = []
    for _layer in range(num_layers):
        w = tf.Variable(tf.random_normal([3, 3]))
        b = tf.Variable(tf.zeros([1, 3]))
        relu_out = tf.nn.relu(tf.matmul(relu_out, w) + b)
        layer_vars += [w, b]
        relu_outs.append(relu_out)
    softmax_w = tf.Variable(tf.random_normal([3, 3]))
    softmax_b = tf.Variable(tf.zeros([1, 3]))
    logit = tf.matmul(relu_out, softmax_w) + softmax_b
    softmax = tf.nn.softmax(logit)
    labels = tf.placeholder("float", [1, 3])
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cross_entropy)

    print("num_layers:", num_layers)
    print("layer variable names:", " ".join(v.op.name for v in layer_vars))
    print("relu names:", " ".join(r.op.name for r in relu_outs))
    print("softmax variable names:", softmax_w.op.name, softmax_b.op.name)

    answer = np.array([[0.0, 1.0, 0.0]])
    feed = {x: np.array([[1.0, 2.0, 3.0]]), labels: answer}
    all_vars = [*layer_vars, softmax_w, softmax_b]
    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        for v, value in zip(all_vars, sess.run(all_vars)):
            print(f"{v.op.name} (initial):", value)
        print("loss (initial):", sess.run(cross_entropy, feed_dict=feed))
        for step in range(10):
            sess.run(train_op, feed_dict=feed)
            print(f"step {step + 1} loss:", sess.run(cross_entropy, feed_dict=feed))
        for v, value in zip(all_vars, sess.run(all_vars)):
            print(f"{v.op.name} (trained):", value)
        print("prediction difference:", answer - sess.run(softmax, feed_dict={x: feed[x]}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    parser.add_argument("--num-layers", type=int, default=2, help="how many ReLU layers")
    args = parser.parse_args()
    main(args.seed, args.num_layers)
