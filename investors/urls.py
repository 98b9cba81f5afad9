"""API routes of the investors app, mounted at /api/v1/investors/."""
from django.urls import path

from investors import api

app_name = "investors"

urlpatterns = [
    path("profile/", api.ProfileView.as_view(), name="profile"),
    path("profile/submit/", api.ProfileSubmitView.as_view(), name="profile-submit"),
    path("terms/", api.TermsView.as_view(), name="terms"),
    path("villages/", api.VillageDirectoryView.as_view(), name="village-list"),
    path("villages/<str:code>/", api.VillageDetailView.as_view(), name="village-detail"),
    path("villages/<str:code>/interest/", api.VillageInterestView.as_view(), name="village-interest"),
    path("opportunities/", api.OpportunityListView.as_view(), name="opportunity-list"),
    path("opportunities/<int:pk>/", api.OpportunityDetailView.as_view(), name="opportunity-detail"),
    path("opportunities/<int:pk>/interest/", api.OpportunityInterestView.as_view(), name="opportunity-interest"),
    path("watchlist/", api.WatchListView.as_view(), name="watch-list"),
    path("watchlist/<int:pk>/", api.WatchItemView.as_view(), name="watch-item"),
    path("interests/", api.InterestListView.as_view(), name="interest-list"),
    path("interests/<int:pk>/", api.InterestDetailView.as_view(), name="interest-detail"),
    path("interests/<int:pk>/move/", api.InterestMoveView.as_view(), name="interest-move"),
    path("interests/<int:pk>/share/", api.InterestShareView.as_view(), name="interest-share"),
    path("profiles/", api.OfficerProfileListView.as_view(), name="officer-profile-list"),
    path("profiles/<int:pk>/verify/", api.OfficerProfileVerifyView.as_view(), name="officer-profile-verify"),
    path("profiles/<int:pk>/refuse/", api.OfficerProfileRefuseView.as_view(), name="officer-profile-refuse"),
]
