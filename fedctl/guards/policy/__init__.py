"""Organization policies: CEL requirements a security team writes once, checked on every
configuration (`fedctl policy`) and every planned state (`fedctl plan`)."""
