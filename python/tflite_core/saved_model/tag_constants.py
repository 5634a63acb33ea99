"""The tags of a SavedModel's meta graphs (``tf.saved_model.tag_constants``, TF 1.x).

>>> import tflite_core as tf
>>> tf.saved_model.tag_constants.SERVING, tf.saved_model.TRAINING
('serve', 'train')
"""

SERVING = "serve"
TRAINING = "train"
GPU = "gpu"
TPU = "tpu"
