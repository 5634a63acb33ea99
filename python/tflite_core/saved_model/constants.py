"""The SavedModel's file names, directory names and collection keys
(``tf.saved_model.constants``, TF 1.x): a SavedModel directory holds ``saved_model.pb`` (or
``saved_model.pbtxt``), ``variables/variables.index`` + ``variables/variables.data-*`` and
``assets/``.

>>> import tflite_core as tf
>>> tf.saved_model.constants.SAVED_MODEL_FILENAME_PB, tf.saved_model.VARIABLES_DIRECTORY
('saved_model.pb', 'variables')
"""

SAVED_MODEL_SCHEMA_VERSION = 1
SAVED_MODEL_FILENAME_PB = "saved_model.pb"
SAVED_MODEL_FILENAME_PBTXT = "saved_model.pbtxt"
SAVED_MODEL_FILENAME_CPB = "saved_model.cpb"  # (a chunked SavedModel: only looked for)
ASSETS_DIRECTORY = "assets"
ASSETS_KEY = "saved_model_assets"  # the graph collection of the assets' AssetFileDefs (as Any)
VARIABLES_DIRECTORY = "variables"
VARIABLES_FILENAME = "variables"
DEBUG_DIRECTORY = "debug"
DEBUG_INFO_FILENAME_PB = "saved_model_debug_info.pb"
MAIN_OP_KEY = "saved_model_main_op"
LEGACY_INIT_OP_KEY = "legacy_init_op"
TRAIN_OP_KEY = "saved_model_train_op"
# reserved signature keys: the init and train ops of a TF 2 builder's MetaGraphDef
INIT_OP_SIGNATURE_KEY = "__saved_model_init_op"
TRAIN_OP_SIGNATURE_KEY = "__saved_model_train_op"
