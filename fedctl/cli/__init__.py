"""The command line: parses arguments, calls the layers below, prints. No logic lives here."""
