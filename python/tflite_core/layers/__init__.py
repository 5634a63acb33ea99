"""``tf.layers`` (TF 1.x): the Keras-free layer classes and their function forms."""

__all__: list[str] = []
