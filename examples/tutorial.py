"""The tutorial deck's network, built up slide by slide (slides 2-19), then regularised (slide 24).

A ReLU layer (``relu(x @ w + b)``) feeds a softmax layer (``relu_out @ softmax_w + softmax_b``);
softmax cross-entropy against a one-hot answer is minimised by gradient descent (rate 0.1) for
10 steps, printing the loss and the prediction difference after each. Then an L2 penalty on
``softmax_w`` is added to the loss and training goes on for 10 more steps.

Run::

    python examples/tutorial.py            # fresh random weights every run, as in the deck
    python examples/tutorial.py --seed 42  # the same numbers every run

Every value is printed as ``label: value`` (tests/test_tutorial.py reads them back).
"""

import argparse

import numpy as np

import tflite_core as tf


def main(seed=None):
    """Builds, runs and trains the tutorial network, printing labelled values.

    Args:
        seed: graph-level random seed (``tf.set_random_seed``); None leaves the weights random.
    """
    if seed is not None:
        tf.set_random_seed(seed)

    # Slide 10: a placeholder for the input, fed at run time.
    x = tf.placeholder("float", [1, 3])

    # Slides 2-5 and 19: the ReLU layer. A Variable holds state; everything else is an operation.
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    b = tf.Variable(tf.zeros([1, 3]), name="b")
    relu_out = tf.nn.relu(tf.matmul(x, w) + b)

    # Slides 18-19: a softmax layer on top, with its own weights and biases.
    softmax_w = tf.Variable(tf.random_normal([3, 3]), name="softmax_w")
    softmax_b = tf.Variable(tf.zeros([1, 3]), name="softmax_b")
    logit = tf.matmul(relu_out, softmax_w) + softmax_b

    # Slide 13: the prediction, n outputs that sum to 1.
    softmax = tf.nn.softmax(logit)

    # Slide 15: the loss, logits first (the deck's positional order).
    labels = tf.placeholder("float", [1, 3])
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logit, labels, name="xentropy")

    # Slide 16: optimisation.
    optimizer = tf.train.GradientDescentOptimizer(0.1)
    train_op = optimizer.minimize(cross_entropy)

    # Slide 6: the Python objects are graph nodes, not results.
    print("relu_out node:", relu_out.op.name, relu_out.op.type)

    # Slides 7 and 9: a session, and the variables initialised.
    sess = tf.Session()
    sess.run(tf.initialize_all_variables())  # TF 1.x: tf.global_variables_initializer()

    input_value = np.array([[1.0, 2.0, 3.0]])
    answer = np.array([[0.0, 1.0, 0.0]])
    feed = {x: input_value}
    print("x:", input_value)
    print("answer:", answer)

    # The initial parameters: what training starts from.
    w0, b0, softmax_w0, softmax_b0 = sess.run([w, b, softmax_w, softmax_b])
    print("w (initial):", w0)
    print("b (initial):", b0)
    print("softmax_w (initial):", softmax_w0)
    print("softmax_b (initial):", softmax_b0)

    # Slides 8 and 11: fetch a node's content, feeding the placeholder.
    print("relu_out:", sess.run(relu_out, feed_dict=feed))
    print("logit:", sess.run(logit, feed_dict=feed))
    print("softmax:", sess.run(softmax, feed_dict=feed))

    # Slide 14: the prediction difference.
    print("prediction difference:", answer - sess.run(softmax, feed_dict=feed))

    # Slides 15-17: the loss, then 10 steps of gradient descent.
    train_feed = {x: input_value, labels: answer}
    print("loss (initial):", sess.run(cross_entropy, feed_dict=train_feed))
    for step in range(10):
        sess.run(train_op, feed_dict=train_feed)
        print(f"step {step + 1} loss:", sess.run(cross_entropy, feed_dict=train_feed))
        print(f"step {step + 1} prediction difference:", answer - sess.run(softmax, feed_dict=feed))

    w1, b1, softmax_w1, softmax_b1 = sess.run([w, b, softmax_w, softmax_b])
    print("w (trained):", w1)
    print("b (trained):", b1)
    print("softmax_w (trained):", softmax_w1)
    print("softmax_b (trained):", softmax_b1)

    # Slide 24: regularisation. Gradients of the new loss are automatic.
    l2reg = tf.reduce_sum(tf.square(softmax_w))
    loss = cross_entropy + l2reg
    train_op = optimizer.minimize(loss)
    print("l2reg:", sess.run(l2reg))
    for step in range(10):
        sess.run(train_op, feed_dict=train_feed)
        print(f"regularised step {step + 1} loss:", sess.run(loss, feed_dict=train_feed))

    w2, b2, softmax_w2, softmax_b2 = sess.run([w, b, softmax_w, softmax_b])
    print("w (regularised):", w2)
    print("b (regularised):", b2)
    print("softmax_w (regularised):", softmax_w2)
    print("softmax_b (regularised):", softmax_b2)
    print("l2reg (regularised):", sess.run(l2reg))

    # Slide 12: release the session's resources.
    sess.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    main(parser.parse_args().seed)
