from django.urls import path

from market.regions import api

app_name = "regions"

urlpatterns = [
    path("districts/", api.DistrictListView.as_view(), name="district-list"),
    path("villages/", api.VillageListView.as_view(), name="village-list"),
]
