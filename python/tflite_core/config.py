"""``tf.config``: devices (the CPU) and thread settings."""

from .client.device_config import (
    LogicalDevice,
    PhysicalDevice,
    get_logical_device_configuration,
    get_soft_device_placement,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    set_logical_device_configuration,
    set_soft_device_placement,
    set_visible_devices,
    threading,
)
