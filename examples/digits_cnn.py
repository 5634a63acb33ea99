"""A LeNet-style convolutional network on scikit-learn's 8x8 handwritten digits, written the TF 1.x
way: ``variable_scope`` / ``get_variable``, ``tf.nn.conv2d`` + ``max_pool`` twice, a dense layer
with dropout, a softmax output trained with ``AdamOptimizer`` on
``sparse_softmax_cross_entropy_with_logits``; accuracy with ``tf.nn.in_top_k``.

Run: ``python examples/digits_cnn.py [--seed N] [--epochs N] [--conv-backend onednn|reference]
[--fpmath strict|bf16]`` (``bf16``: ``tf.set_fpmath_mode("bf16")``, on CPUs with bf16 instructions).
It prints the loss per epoch and the test accuracy (over 97% in 80 epochs; dropout with
keep_prob 0.5 during training).
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import tflite_core as tf


def conv_pool(x, name, in_ch, out_ch):
    """3x3 SAME convolution with bias and ReLU, then 2x2 max pooling (halves height and width)."""
    with tf.variable_scope(name):
        w = tf.get_variable(
            "weights",
            [3, 3, in_ch, out_ch],
            initializer=tf.truncated_normal_initializer(stddev=0.1),
        )
        b = tf.get_variable("biases", [out_ch], initializer=tf.constant_initializer(0.1))
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))
        return tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")


def dense(x, name, n_in, n_out):
    with tf.variable_scope(name):
        w = tf.get_variable(
            "weights", [n_in, n_out], initializer=tf.truncated_normal_initializer(stddev=0.1)
        )
        b = tf.get_variable("biases", [n_out], initializer=tf.constant_initializer(0.1))
        return tf.matmul(x, w) + b


def build(seed):
    """The graph: placeholders, logits, loss, train op and the number of correct predictions."""
    tf.set_random_seed(seed)
    images = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    keep_prob = tf.placeholder_with_default(1.0, [], name="keep_prob")
    h = conv_pool(images, "conv1", 1, 32)  # [N, 4, 4, 32]
    h = conv_pool(h, "conv2", 32, 64)  # [N, 2, 2, 64]
    h = tf.reshape(h, [-1, 2 * 2 * 64])
    h = tf.nn.dropout(tf.nn.relu(dense(h, "fc1", 256, 128)), keep_prob)
    logits = dense(h, "logits", 128, 10)
    loss = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    )
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    correct = tf.reduce_sum(tf.cast(tf.nn.in_top_k(logits, labels, 1), tf.int32))
    return images, labels, keep_prob, loss, train_op, correct


def data(seed):
    """Digits scaled to [0, 1], as [N, 8, 8, 1]; a stratified 80/20 split."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    return train_test_split(
        x, digits.target, test_size=0.2, random_state=seed, stratify=digits.target
    )


def main(seed=0, epochs=80, batch=64, trace_steps=0):
    """Trains and evaluates; with ``trace_steps`` prints the loss of that many steps and stops."""
    x_train, x_test, y_train, y_test = data(seed)
    images, labels, keep_prob, loss, train_op, correct = build(seed)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        step = 0
        for epoch in range(epochs):
            order = rng.permutation(len(x_train))
            total = 0.0
            for i in range(0, len(order), batch):
                idx = order[i : i + batch]
                feed = {images: x_train[idx], labels: y_train[idx], keep_prob: 0.5}
                _, value = sess.run([train_op, loss], feed)
                total += float(value) * len(idx)
                step += 1
                if trace_steps:
                    print(f"step {step} loss:", f"{value:.8f}")
                    if step == trace_steps:
                        return
            if epoch % 5 == 4 or epoch == epochs - 1:
                print(f"epoch {epoch + 1} loss:", f"{total / len(x_train):.5f}")
        right = sess.run(correct, {images: x_test, labels: y_test})
    print("test accuracy:", f"{right / len(x_test):.4f}", f"({right} of {len(x_test)})")
    print("training seconds:", f"{time.perf_counter() - start:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="random seed (graph and data)")
    parser.add_argument("--epochs", type=int, default=80)
    parser.add_argument("--trace-steps", type=int, default=0, help="print N step losses, stop")
    parser.add_argument(
        "--conv-backend",
        choices=["onednn", "reference"],
        default=None,
        help="convolution and pooling kernels (default: the build's best)",
    )
    parser.add_argument(
        "--fpmath",
        choices=["strict", "bf16"],
        default="strict",
        help="float32 maths of the matmuls and convolutions (tf.set_fpmath_mode)",
    )
    args = parser.parse_args()
    if args.conv_backend:
        tf.set_conv_backend(args.conv_backend)
    tf.set_fpmath_mode(args.fpmath)
    main(args.seed, args.epochs, trace_steps=args.trace_steps)
