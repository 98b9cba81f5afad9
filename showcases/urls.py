"""API routes of the showcases app, mounted at /api/v1/."""

from django.urls import path

from showcases import api

app_name = "showcases"

urlpatterns = [
    path("showcases/", api.ShowcaseListView.as_view(), name="showcase-list"),
    path("showcases/<int:pk>/", api.ShowcaseDetailView.as_view(), name="showcase-detail"),
    path("showcases/<int:pk>/registration/", api.ShowcaseRegistrationView.as_view(), name="registration"),
    path("showcases/<int:pk>/agenda/", api.ShowcaseAgendaView.as_view(), name="agenda"),
    path("showcase-meetings/", api.MeetingListView.as_view(), name="meeting-list"),
    path("showcase-meetings/<int:pk>/", api.MeetingDetailView.as_view(), name="meeting-detail"),
    path("showcase-meetings/<int:pk>/accept/", api.MeetingAcceptView.as_view(), name="meeting-accept"),
    path("showcase-meetings/<int:pk>/decline/", api.MeetingDeclineView.as_view(), name="meeting-decline"),
    path("showcase-meetings/<int:pk>/outcome/", api.MeetingOutcomeView.as_view(), name="meeting-outcome"),
]
