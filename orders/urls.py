"""API routes of the orders app, mounted at /api/v1/ (added with its issue)."""

app_name = "orders"

urlpatterns: list = []
