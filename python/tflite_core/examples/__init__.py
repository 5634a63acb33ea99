"""Runnable examples that ship with the package (``python -m tflite_core.examples.<name>``)."""
