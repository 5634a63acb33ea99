"""The ``tf.initializers`` namespace (TF 1.x): initializer classes by their short names, and the
ops that initialise variables."""

from .ops import init_ops as _i
from .ops import variables as _v
from .ops.init_ops import he_normal, he_uniform, lecun_normal, lecun_uniform
from .ops.lookup_ops import tables_initializer

constant = _i.Constant
glorot_normal = _i.GlorotNormal
glorot_uniform = _i.GlorotUniform
identity = _i.Identity
ones = _i.Ones
orthogonal = _i.Orthogonal
random_normal = _i.RandomNormal
random_uniform = _i.RandomUniform
truncated_normal = _i.TruncatedNormal
uniform_unit_scaling = _i.UniformUnitScaling
variance_scaling = _i.VarianceScaling
zeros = _i.Zeros
global_variables = _v.global_variables_initializer
local_variables = _v.local_variables_initializer
variables = _v.variables_initializer
