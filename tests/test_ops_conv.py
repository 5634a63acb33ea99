"""The op table's convolution and pooling rows: conv2d and depthwise conv2d with their input
and filter gradients, max and average pooling with their gradients (and max pooling's second
derivative). Builders, draws and NumPy references are in conv_reference.py; every row gets the
table's checks (``op_table.table_tests``).
"""

from __future__ import annotations

import conv_reference as cr
from op_table import Row, table_tests

# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    # convolutions
    Row("Conv2D", cr.build_conv, cr.ref_conv(False), cr.conv_draw(False, "fwd")),
    Row(
        "Conv2DBackpropInput",
        cr.build_conv_backprop_input,
        cr.ref_conv_backprop_input(False),
        cr.conv_draw(False, "input"),
    ),
    Row(
        "Conv2DBackpropFilter",
        cr.build_conv_backprop_filter,
        cr.ref_conv_backprop_filter(False),
        cr.conv_draw(False, "filter"),
    ),
    Row("DepthwiseConv2dNative", cr.build_depthwise, cr.ref_conv(True), cr.conv_draw(True, "fwd")),
    Row(
        "DepthwiseConv2dNativeBackpropInput",
        cr.build_depthwise_backprop_input,
        cr.ref_conv_backprop_input(True),
        cr.conv_draw(True, "input"),
    ),
    Row(
        "DepthwiseConv2dNativeBackpropFilter",
        cr.build_depthwise_backprop_filter,
        cr.ref_conv_backprop_filter(True),
        cr.conv_draw(True, "filter"),
    ),
    # pooling
    Row("MaxPool", cr.build_pool("max"), cr.ref_pool("max"), cr.pool_draw("max")),
    Row("AvgPool", cr.build_pool("avg"), cr.ref_pool("avg"), cr.pool_draw("avg")),
    Row("MaxPoolGrad", cr.build_pool_grad("max"), cr.np_max_pool_grad, cr.pool_draw("max_grad")),
    Row("AvgPoolGrad", cr.build_pool_grad("avg"), cr.np_avg_pool_grad, cr.pool_draw("avg_grad")),
    Row(
        "MaxPoolGradGrad",
        cr.build_max_pool_grad_grad,
        cr.np_max_pool_grad_grad,
        cr.pool_draw("max_grad_grad"),
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
