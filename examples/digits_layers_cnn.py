"""A convolutional network with batch normalization on scikit-learn's handwritten digits, written
with ``tf.layers`` as TF 1.x programs from 2017 on were: conv-bn-relu-pool twice, a dense layer,
``tf.losses.sparse_softmax_cross_entropy`` and ``AdamOptimizer``, the batch-norm moving statistics
updated through the ``UPDATE_OPS`` collection and used at evaluation (``training`` is a bool
placeholder). The 8x8 digits are upscaled to 28x28 (MNIST's size) by bilinear interpolation.

Run: ``python examples/digits_layers_cnn.py [--seed N] [--epochs N]``. It prints the loss per
epoch and the test accuracy (over 97%). ``build`` takes the ``tf`` module, so the same code runs
on TensorFlow's ``tf.compat.v1`` (``benchmarks/bench_layers_cnn.py`` times both).
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import tflite_core

SIZE = 28


def upscale(images, size=SIZE):
    """Bilinear resize of [N, h, w] images to [N, size, size] (pixel centres aligned)."""
    h, w = images.shape[1:]
    ys = np.clip((np.arange(size) + 0.5) * h / size - 0.5, 0, h - 1)
    xs = np.clip((np.arange(size) + 0.5) * w / size - 0.5, 0, w - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    wy, wx = (ys - y0)[:, None], (xs - x0)[None, :]
    top = images[:, y0][:, :, x0] * (1 - wx) + images[:, y0][:, :, x1] * wx
    bottom = images[:, y1][:, :, x0] * (1 - wx) + images[:, y1][:, :, x1] * wx
    return top * (1 - wy) + bottom * wy


def data(seed):
    """Digits scaled to [0, 1] and upscaled, as [N, 28, 28, 1]; a stratified 80/20 split."""
    digits = load_digits()
    x = upscale(digits.images / 16.0).astype(np.float32)[..., None]
    return train_test_split(
        x, digits.target, test_size=0.2, random_state=seed, stratify=digits.target
    )


def conv_bn_pool(tf, x, filters, training):
    """3x3 SAME convolution (no bias: batch norm's beta replaces it), batch norm, ReLU, 2x2 pool."""
    h = tf.layers.conv2d(x, filters, 3, padding="same", use_bias=False)
    h = tf.layers.batch_normalization(h, training=training)
    return tf.layers.max_pooling2d(tf.nn.relu(h), 2, 2)


def build(tf, seed, learning_rate=2e-3):
    """The graph: placeholders, logits, loss, train op (after the batch-norm updates) and the
    number of correct predictions."""
    tf.set_random_seed(seed)
    images = tf.placeholder(tf.float32, [None, SIZE, SIZE, 1], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    training = tf.placeholder_with_default(False, [], name="training")
    h = conv_bn_pool(tf, images, 16, training)  # [N, 14, 14, 16]
    h = conv_bn_pool(tf, h, 32, training)  # [N, 7, 7, 32]
    logits = tf.layers.dense(tf.layers.flatten(h), 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(learning_rate).minimize(
            loss, global_step=tf.train.get_or_create_global_step()
        )
    correct = tf.reduce_sum(tf.cast(tf.nn.in_top_k(logits, labels, 1), tf.int32))
    return images, labels, training, loss, train_op, correct


def main(seed=0, epochs=20, batch=64):
    tf = tflite_core
    x_train, x_test, y_train, y_test = data(seed)
    images, labels, training, loss, train_op, correct = build(tf, seed)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(epochs):
            order = rng.permutation(len(x_train))
            total = 0.0
            for i in range(0, len(order), batch):
                idx = order[i : i + batch]
                feed = {images: x_train[idx], labels: y_train[idx], training: True}
                _, value = sess.run([train_op, loss], feed)
                total += float(value) * len(idx)
            print(f"epoch {epoch + 1} loss:", f"{total / len(x_train):.5f}")
        right = sess.run(correct, {images: x_test, labels: y_test})  # moving statistics
    print("test accuracy:", f"{right / len(x_test):.4f}", f"({right} of {len(x_test)})")
    print("training seconds:", f"{time.perf_counter() - start:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="random seed (graph and data)")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    main(args.seed, args.epochs)
