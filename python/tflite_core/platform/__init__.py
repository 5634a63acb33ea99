"""The program-level helpers TF 1.x programs use around their graphs: ``tf.app.run`` and
``tf.flags`` (both on absl, as TF's), and ``tf.compat``'s text helpers."""
