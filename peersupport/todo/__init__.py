"""The to-do registry (issue 12)."""
