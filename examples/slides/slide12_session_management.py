"""Slide 12: session management: ``sess.close()``, ``with tf.Session() as sess:``, and
``tf.InteractiveSession()``, which makes ``Tensor.eval()`` and ``Operation.run()`` work.

Run: ``python examples/slides/slide12_session_management.py [--seed N]``.
"""

import argparse

import numpy as np

import tflite_core as tf


def main(seed=None):
    """Runs the ReLU layer in three sessions, one per style the slide shows."""
    if seed is not None:
        tf.set_random_seed(seed)

    x = tf.placeholder("float", [1, 3])
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    relu_out = tf.nn.relu(tf.matmul(x, w))
    feed = {x: np.array([[1.0, 2.0, 3.0]])}

    # 1. Close the session explicitly when done.
    sess = tf.Session()
    sess.run(tf.initialize_all_variables())
    print("session w:", sess.run(w))
    print("session relu_out:", sess.run(relu_out, feed_dict=feed))
    sess.close()
    try:
        sess.run(relu_out, feed_dict=feed)
    except RuntimeError as e:
        print("run after close:", type(e).__name__)

    # 2. A with-block closes it for you.
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("with-block w:", sess.run(w))
        print("with-block relu_out:", sess.run(relu_out, feed_dict=feed))

    # 3. An InteractiveSession installs itself as the default session.
    sess = tf.InteractiveSession()
    tf.initialize_all_variables().run()
    print("interactive w:", w.eval())
    print("interactive relu_out:", relu_out.eval(feed_dict=feed))
    sess.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    main(parser.parse_args().seed)
