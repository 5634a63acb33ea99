"""The op families: array, math, indexing, slicing, random, state (variables), control flow,
summaries, linear algebra (decompositions, solves, einsum, linear operators) and
``tf.gradients``. Each op's shape rule, kernel name and gradient live together in its
family's module; ``tensor_methods`` installs the ``Tensor`` operators."""
