"""`python -m fedctl` runs the CLI, for environments without the console script."""

from fedctl.cli.main import main

main()
