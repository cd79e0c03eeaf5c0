"""Security and hygiene findings on a loaded configuration.

Config -> LintConfig view -> checks -> Findings -> text, JSON or SARIF.
"""
