"""The Admin API and nothing else: client, credentials, wire models, reads and writes.

Entry point for commands: `fedctl.api.connect.open_client`.
"""
