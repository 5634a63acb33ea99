"""Slide 28: visualise states. ``tf.scalar_summary`` and ``tf.histogram_summary`` record values;
``tf.merge_all_summaries()`` runs them all with the training step; ``writer.add_summary(results[1],
step)`` writes them per step, for TensorBoard's Scalars and Histograms tabs.

Run: ``python examples/slides/slide28_visualise_states.py [--seed N] [--logdir DIR]``, then
``tensorboard --logdir=DIR``.
"""

import argparse
import glob
import os
import tempfile

import numpy as np

import tflite_core as tf


def main(seed=None, logdir=None, steps=10):
    """Trains the tutorial's network, writing the loss and the weights at every step."""
    if seed is not None:
        tf.set_random_seed(seed)
    logdir = logdir or tempfile.mkdtemp(prefix="tf_logs_")

    x = tf.placeholder("float", [1, 3], name="x")
    with tf.name_scope("relu"):
        w = tf.Variable(tf.random_normal([3, 3]), name="w")
        b = tf.Variable(tf.zeros([1, 3]), name="b")
        relu_out = tf.nn.relu(tf.matmul(x, w) + b)
    with tf.name_scope("softmax"):
        softmax_w = tf.Variable(tf.random_normal([3, 3]), name="w")
        softmax_b = tf.Variable(tf.zeros([1, 3]), name="b")
        logit = tf.matmul(relu_out, softmax_w) + softmax_b
    labels = tf.placeholder("float", [1, 3], name="labels")
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")
    loss = tf.reduce_mean(cross_entropy)
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(cross_entropy)

    # slide 28, in the deck's TensorFlow 0.x names
    tf.scalar_summary("loss", loss)
    tf.histogram_summary("relu/w", w)
    tf.histogram_summary("softmax/w", softmax_w)
    merged_summaries = tf.merge_all_summaries()

    answer = np.array([[0.0, 1.0, 0.0]])
    feed = {x: np.array([[1.0, 2.0, 3.0]]), labels: answer}
    params = [("w", w), ("b", b), ("softmax_w", softmax_w), ("softmax_b", softmax_b)]
    with tf.Session() as sess:
        writer = tf.train.SummaryWriter(logdir, sess.graph)
        sess.run(tf.initialize_all_variables())
        for name, value in zip([n for n, _ in params], sess.run([v for _, v in params])):
            print(f"{name} (initial):", value)
        print("loss (initial):", sess.run(cross_entropy, feed_dict=feed))
        for step in range(steps):
            results = sess.run([train_op, merged_summaries], feed_dict=feed)
            writer.add_summary(results[1], step)
            print(f"step {step + 1} loss:", sess.run(cross_entropy, feed_dict=feed))
        for name, value in zip([n for n, _ in params], sess.run([v for _, v in params])):
            print(f"{name} (trained):", value)
        writer.close()

    # what TensorBoard will show: read the event file back
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    print("logdir:", logdir)
    for event in tf.train.summary_iterator(path):
        for v in event.summary.value:
            if v.HasField("histo"):
                h = v.histo
                print(
                    f"event step {event.step} {v.tag} histogram:",
                    f"num {h.num:g} min {h.min:.6g} max {h.max:.6g} sum {h.sum:.6g}",
                )
            else:
                print(f"event step {event.step} {v.tag}:", f"{v.simple_value:.7g}")
    print("view it with:", f"tensorboard --logdir={logdir}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    parser.add_argument("--logdir", default=None, help="event file directory (default: a new one)")
    args = parser.parse_args()
    main(args.seed, args.logdir)
