"""Starter configurations for `fedctl init`, one per issuer preset.

Each `<preset>.yaml` validates and lints clean as shipped (a test holds every preset to
that); `init` swaps in the repository and workspaces it is given.
"""
