"""The live organization: read through the API into a LiveState (`read`, after the
list requests it starts before any model is imported, `requests`), recorded in a
snapshot file (`snapshot`), one resource shown (`view`), what fedctl cannot
represent (`unmanageable`) and the read-only check of the API (`doctor`)."""
