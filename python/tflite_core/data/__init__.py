"""Input pipelines: ``tf.data`` (the namespace is ``data_namespace.py``)."""
