from django.urls import path

from market.accounts import api

app_name = "accounts"

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("auth/tokens/", api.ApiTokenListView.as_view(), name="token-list"),
    path("auth/tokens/<int:pk>/", api.ApiTokenDetailView.as_view(), name="token-detail"),
    path("me/", api.MeView.as_view(), name="me"),
    path("me/data/", api.PersonalDataView.as_view(), name="me-data"),
    path("me/close/", api.AccountCloseView.as_view(), name="me-close"),
    path("organisations/<int:pk>/members/", api.OrganisationMemberListView.as_view(), name="organisation-members"),
    path("organisations/<int:pk>/members/<int:membership_pk>/", api.OrganisationMemberDetailView.as_view(),
         name="organisation-member"),
    path("organisations/<int:pk>/invitations/", api.OrganisationInvitationListView.as_view(),
         name="organisation-invitations"),
    path("organisations/<int:pk>/invitations/<int:invitation_pk>/", api.OrganisationInvitationDetailView.as_view(),
         name="organisation-invitation"),
    path("organisations/<int:pk>/invitations/<int:invitation_pk>/resend/",
         api.OrganisationInvitationResendView.as_view(), name="organisation-invitation-resend"),
    path("invitations/accept/", api.InvitationAcceptView.as_view(), name="invitation-accept"),
]
