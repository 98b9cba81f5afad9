from django.urls import path

from market.accounts import api

app_name = "accounts"

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("me/", api.MeView.as_view(), name="me"),
]
