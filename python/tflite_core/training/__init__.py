"""Training: optimisers and their update ops, the global step, learning-rate schedules, and
checkpoints (``Saver`` and the readers)."""
