"""The console's screens, one module per HMC screen."""
