"""Pages: catalog area (see frontend/urls.py)."""
from django.urls import path  # noqa: F401

urlpatterns: list = []
