"""Configuration + live state -> what a workload needs to exchange its identity token.

`workloads.py` resolves each selected rule to its live IDs (organization, rule, service
account, workspace when one must be named); `formats.py` writes them as shell `export`
lines, JSON, a GitHub Actions snippet or a Kubernetes pod fragment; `profile.py` writes
the SDK's own profile file. Nothing here reads the network: the caller hands in a
LiveState (read from the API or a snapshot).
"""
