"""Terraform JSON (`terraform show -json`) of the anthropics/anthropic provider ->
fedctl configuration: read (`read`), check and convert to a LiveState (`convert`),
then written by fedctl's own export (`fedctl.export`)."""
