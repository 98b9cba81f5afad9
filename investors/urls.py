"""API routes of the investors app, mounted at /api/v1/ (added with its issue)."""

app_name = "investors"

urlpatterns: list = []
