"""API routes of the search app, mounted at /api/v1/ (added with its issue)."""

app_name = "search"

urlpatterns: list = []
