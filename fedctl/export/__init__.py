"""LiveState -> configuration files in fedctl's own language (`fedctl export`)."""
