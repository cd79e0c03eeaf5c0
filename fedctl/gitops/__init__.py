"""Helpers the shipped GitHub Actions workflow runs; not part of the `fedctl` CLI."""
