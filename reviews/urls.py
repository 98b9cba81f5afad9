"""API routes of the reviews app, mounted at /api/v1/."""
from django.urls import path

from reviews import api

app_name = "reviews"

urlpatterns = [
    path("products/<int:pk>/reviews/", api.ProductReviewListView.as_view(), name="product-reviews"),
    path("reviews/", api.ReviewListView.as_view(), name="review-list"),
]
