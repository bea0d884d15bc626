"""Test fixture plugin: careless with its secret, reliant on the core for defaults."""
