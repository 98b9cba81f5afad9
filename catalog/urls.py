"""API routes of the catalog app, mounted at /api/v1/ (added with its issue)."""

app_name = "catalog"

urlpatterns: list = []
