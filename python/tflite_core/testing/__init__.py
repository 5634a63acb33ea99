"""``tf.test``: the TestCase TF 1.x programs' tests derive from, and the gradient checker."""
