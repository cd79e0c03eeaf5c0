"""Test helpers shared across the suite (identity tokens, ...)."""
