"""The graph framework: ``Graph``, ``Operation``, ``Tensor``, dtypes, shapes, the op registry,
constants, errors, GraphDef protobufs and the loaded C++ runtime. Imports no op family."""
