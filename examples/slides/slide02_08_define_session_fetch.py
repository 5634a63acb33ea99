"""Slides 2-8: a simple ReLU network; define tensors; the data-flow graph; a session; fetch.

``y = tf.matmul(x, w)`` turns every neuron's weighted sum into one matrix op and
``tf.nn.relu(y)`` applies the nonlinearity. Defining them only adds nodes to a graph; a
``tf.Session`` runs it. Fetching before the variables are initialised fails (slide 9 fixes it).

Run: ``python examples/slides/slide02_08_define_session_fetch.py [--seed N]``.
"""

import argparse

import tflite_core as tf


def main(seed=None):
    """Defines the ReLU layer, then fetches its output in a session."""
    if seed is not None:
        tf.set_random_seed(seed)

    # Slides 2-4: one matrix multiply for all the neurons, then the ReLU.
    x = tf.constant([[1.0, 2.0, 3.0]])
    # Slide 5: Variable(<initial-value>, name=<optional-name>) holds state.
    w = tf.Variable(tf.random_normal([3, 3]), name="w")
    y = tf.matmul(x, w)
    relu_out = tf.nn.relu(y)

    # Slide 6: each Python object is a node of the graph, not a result.
    print("w node:", w.op.name, w.op.type)
    print("y node:", y.op.name, y.op.type)
    print("relu_out node:", relu_out.op.name, relu_out.op.type)

    # Slide 7: a Session manages the resources of graph execution.
    sess = tf.Session()
    try:
        sess.run(relu_out)
    except tf.errors.FailedPreconditionError as e:
        print("fetch before initialisation:", type(e).__name__)

    # Slide 9 (previewed): fill the Variable nodes, then fetch (slide 8).
    sess.run(tf.initialize_all_variables())
    print("x:", sess.run(x))
    print("w:", sess.run(w))
    print("y:", sess.run(y))
    result = sess.run(relu_out)
    print("relu_out:", result)
    sess.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="graph-level random seed")
    main(parser.parse_args().seed)
