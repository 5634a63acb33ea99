"""``tf.metrics`` (TF 1.x): streaming metrics kept in local variables, each a (value, update_op)
pair."""

__all__: list[str] = []
