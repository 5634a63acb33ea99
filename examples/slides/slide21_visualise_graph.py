"""Slide 21: visualise the graph. ``tf.train.SummaryWriter(logdir, sess.graph_def)`` writes the
graph to an event file; ``tensorboard --logdir=LOGDIR`` draws it, with the name scopes of slides
22-23 folded into one box per layer.

Run: ``python examples/slides/slide21_visualise_graph.py [--seed N] [--logdir DIR]``, then
``tensorboard --logdir=DIR`` and open the Graphs tab.
"""

import argparse
import glob
import os
import tempfile

import tflite_core as tf


def main(seed=None, logdir=None, num_layers=2):
    """Builds the named deep net, writes its graph for TensorBoard and reads the file back."""
    if seed is not None:
        tf.set_random_seed(seed)
    logdir = logdir or tempfile.mkdtemp(prefix="tf_logs_")

    x = tf.placeholder("float", [1, 3], name="x")
    relu_out = x
    for _ in range(num_layers):
        with tf.name_scope("relu"):
            w = tf.Variable(tf.random_normal([3, 3]), name="w")
            b = tf.Variable(tf.zeros([1, 3]), name="b")
            relu_out = tf.nn.relu(tf.matmul(relu_out, w) + b)
    with tf.name_scope("softmax"):
        softmax_w = tf.Variable(tf.random_normal([3, 3]), name="w")
        softmax_b = tf.Variable(tf.zeros([1, 3]), name="b")
        logit = tf.matmul(relu_out, softmax_w) + softmax_b
    labels = tf.placeholder("float", [1, 3], name="labels")
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")
    tf.train.GradientDescentOptimizer(0.1).minimize(cross_entropy)

    sess = tf.Session()
    writer = tf.train.SummaryWriter(logdir, sess.graph_def)  # as on the slide
    writer.close()
    sess.close()

    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    events = list(tf.train.summary_iterator(path))
    graph_def = tf.GraphDef.FromString(events[1].graph_def)
    print("logdir:", logdir)
    print("event file:", os.path.basename(path))
    print("file version:", events[0].file_version)
    print("graph nodes:", len(graph_def.node))
    print("graph ops in this program:", len(tf.get_default_graph().get_operations()))
    groups = sorted({n.name.split("/")[0] for n in graph_def.node if "/" in n.name})
    print("TensorBoard groups:", " ".join(groups))
    for node in graph_def.node:
        if node.op == "MatMul":
            print(f"node {node.name}:", node.op, " ".join(node.input))
    print("view it with:", f"tensorboard --logdir={logdir}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    parser.add_argument("--logdir", default=None, help="event file directory (default: a new one)")
    args = parser.parse_args()
    main(args.seed, args.logdir)
