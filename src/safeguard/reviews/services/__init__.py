"""Every state change of the reviews module, one module per step of the process."""
