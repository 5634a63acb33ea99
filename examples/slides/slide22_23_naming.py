"""Slides 22-23: naming. ``tf.name_scope('relu')`` inside the loop and ``tf.name_scope('softmax')``
around the softmax layer give hierarchical names (``relu/...``, ``relu_1/...``, ``softmax/...``)
that TensorBoard groups into one box per layer.

Run: ``python examples/slides/slide22_23_naming.py [--seed N] [--num-layers N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def main(seed=None, num_layers=2):
    """Builds the deep net with name scopes, prints its op names and trains it 10 steps."""
    if seed is not None:
        tf.set_random_seed(seed)

    x = tf.placeholder("float", [1, 3], name="x")
    relu_out = x
    layer_vars = []
    for layer in range(num_layers):
        with tf.name_scope("relu"):
            w = tf.Variable(tf.random_normal([3, 3]), name="w")
            b = tf.Variable(tf.zeros([1, 3]), name="b")
            relu_out = tf.nn.relu(tf.matmul(relu_out, w) + b)
        layer_vars += [w, b]
        print(f"layer {layer} names:", w.op.name, b.op.name, relu_out.op.name)
    with tf.name_scope("softmax"):
        softmax_w = tf.Variable(tf.random_normal([3, 3]), name="w")
        softmax_b = tf.Variable(tf.zeros([1, 3]), name="b")
        logit = tf.matmul(relu_out, softmax_w) + softmax_b
        softmax = tf.nn.softmax(logit)
    print("softmax layer names:", softmax_w.op.name, softmax_b.op.name, softmax.op.name)
    labels = tf.placeholder("float", [1, 3], name="labels")
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")
    print("loss name:", cross_entropy.op.name)
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cross_entropy)

    # The graph's top-level groups, as TensorBoard would draw them.
    ops = tf.get_default_graph().get_operations()
    print("top-level scopes:", " ".join(sorted({op.name.split("/")[0] for op in ops})))
    print("all op names:", " ".join(op.name for op in ops))

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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    parser.add_argument("--num-layers", type=int, default=2, help="how many ReLU layers")
    args = parser.parse_args()
    main(args.seed, args.num_layers)
