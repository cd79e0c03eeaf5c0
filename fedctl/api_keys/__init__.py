"""Static API keys next to federation: the inventory and its findings (`fedctl keys`)."""
