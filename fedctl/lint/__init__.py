"""Security and hygiene findings on a loaded configuration: Config -> findings -> text/JSON/SARIF."""
