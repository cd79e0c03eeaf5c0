"""Access tests: the organization's expectations of who gets a token (`fedctl test`)."""
