"""Issue 12 registrations (a helper fills this in)."""
