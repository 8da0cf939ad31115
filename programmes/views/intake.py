"""Issue 12 views (a helper fills this in)."""

urlpatterns: list = []
