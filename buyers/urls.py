"""API routes of the buyers app, mounted at /api/v1/ (added with its issue)."""

app_name = "buyers"

urlpatterns: list = []
