"""HTTP routes, one module per API family; each exposes ``router``."""
