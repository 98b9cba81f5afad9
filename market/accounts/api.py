"""API: tokens for API clients (issue, list, revoke), who am I, and an organisation's members and invitations."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from market.accounts.exceptions import AccountClosureNotConfirmed, OwnerRequired
from market.accounts.members import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_remove,
    membership_role_set,
)
from market.accounts.models import ApiToken, Membership, User
from market.accounts.selectors import (
    access_organisation,
    api_token_list,
    invitation_get,
    invitation_list_open,
    membership_get,
    membership_list,
    organisation_member_list,
    personal_data_export,
)
from market.accounts.services import account_close, api_token_issue, api_token_revoke, api_token_revoke_current


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describe ``ApiTokenAuthentication`` in the schema (``Authorization: Token <secret>``)."""

    target_class = "market.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


class ApiTokenSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="Whether this token signed the request.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "current"]

    def get_current(self, token: ApiToken) -> bool:
        request = self.context.get("request")
        return isinstance(getattr(request, "auth", None), ApiToken) and request.auth.pk == token.pk


class IssuedApiTokenSerializer(serializers.Serializer):
    """A new token: its secret (shown only this once) and when it expires."""

    token = serializers.CharField(source="key", help_text="The secret: send it as `Authorization: Token <token>`.")
    id = serializers.IntegerField(source="token.id")
    name = serializers.CharField(source="token.name")
    prefix = serializers.CharField(source="token.prefix")
    created_at = serializers.DateTimeField(source="token.created_at")
    expires_at = serializers.DateTimeField(source="token.expires_at")


class TokenView(APIView):
    """Issue API tokens (POST) and sign a client out (DELETE)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)
        code = serializers.CharField(required=False, allow_blank=True, max_length=16)
        name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                     help_text="What the token is for, e.g. the client's name (shown in the list).")

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(request=InputSerializer, responses={201: IssuedApiTokenSerializer}, description=(
        "Exchange email + password (+ the TOTP code when two-factor authentication is on) for a new token "
        "that expires after API_TOKEN_TTL_DAYS. The secret is in the answer only this once. Failed attempts "
        "count in the same lockout as the website's sign-in page: 429 `too_many_login_attempts` while locked."))
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = api_token_issue(request=request, **serializer.validated_data)
        return Response(IssuedApiTokenSerializer(issued).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None},
                   description="Revoke the token that signs this request (the client signs out).")
    def delete(self, request):
        api_token_revoke_current(user=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenListView(ListAPIView):
    """The signed-in person's usable API tokens, newest first (never their secrets)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        return api_token_list(user=self.request.user)


class ApiTokenDetailView(APIView):
    """Revoke one of the signed-in person's API tokens."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        api_token_revoke(user=request.user, token_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField(source="organisation.id")
    organisation_name = serializers.CharField(source="organisation.name")
    organisation_kind = serializers.CharField(source="organisation.kind")
    role = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "phone", "role", "language", "memberships"]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, user) -> list[dict]:
        return MembershipSerializer(membership_list(user=user), many=True).data


class MeView(APIView):
    """The signed-in user and the organisations they act for."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class PersonalDataView(APIView):
    """Everything the marketplace keeps about the caller (profile, addresses, orders, tokens without secrets)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(personal_data_export(user=request.user), headers={"Cache-Control": "no-store"})


class AccountCloseIn(serializers.Serializer):
    password = serializers.CharField(help_text="The caller's current password.", trim_whitespace=False)
    confirm = serializers.BooleanField(help_text="Must be true: the closure cannot be undone.")


class AccountCloseOut(serializers.Serializer):
    closed_at = serializers.DateTimeField()


class AccountCloseView(APIView):
    """Close the caller's account: anonymise them, keep orders and payments (see /account/close/).

    409 ``account_closure_blocked`` lists what must be settled first in ``fields`` (by kind:
    ``open_order``, ``refund_owed``, ``last_owner``...); 403 ``wrong_password``; nothing changes then.
    """

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=AccountCloseIn, responses={200: AccountCloseOut})
    def post(self, request):
        data = AccountCloseIn(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data["confirm"]:
            raise AccountClosureNotConfirmed(fields={"confirm": [str(AccountClosureNotConfirmed.default_message)]})
        closure = account_close(user=request.user, password=data.validated_data["password"], request=request)
        return Response(AccountCloseOut(closure).data)


# --- members and invitations ------------------------------------------------------------------


class MemberOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The membership's id (for changing the role or removing).")
    user_id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    created_at = serializers.DateTimeField(help_text="When the person joined.")


class InvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    status = serializers.CharField(help_text="pending or expired (accepted and revoked ones are not listed).")
    invited_by = serializers.EmailField(source="invited_by.email", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class RoleIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InvitationIn(RoleIn):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)


class InvitationAcceptIn(serializers.Serializer):
    token = serializers.CharField(max_length=100, help_text="The secret at the end of the invitation link.")


class JoinedOut(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    organisation_name = serializers.CharField(source="organisation.name")
    organisation_kind = serializers.CharField(source="organisation.kind")
    role = serializers.CharField()


def _owned(request, pk: int):
    """Return the organisation for one of its owners; other members get 403, everyone else 404."""
    organisation = access_organisation(user=request.user, pk=pk)
    if organisation.viewer_role != Membership.Role.OWNER:
        raise OwnerRequired()
    return organisation


class OrganisationMemberListView(APIView):
    """An organisation's members, owners first (any member may read it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MemberOut(many=True))
    def get(self, request, pk: int):
        organisation = access_organisation(user=request.user, pk=pk)
        return Response(MemberOut(organisation_member_list(organisation=organisation), many=True).data)


class OrganisationMemberDetailView(APIView):
    """Change a member's role or remove them (owners; anyone may remove themself). The last owner stays."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RoleIn, responses=MemberOut, description=(
        "Owners only (403 `owner_required`); demoting the last owner is 409 `last_owner`."))
    def patch(self, request, pk: int, membership_pk: int):
        organisation = access_organisation(user=request.user, pk=pk)
        serializer = RoleIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_role_set(membership=membership_get(organisation=organisation, pk=membership_pk),
                                         role=serializer.validated_data["role"], actor=request.user)
        return Response(MemberOut(membership).data)

    @extend_schema(request=None, responses={204: None}, description=(
        "Owners remove anyone; a member may remove themself (leave). Removing the last owner is 409 `last_owner`."))
    def delete(self, request, pk: int, membership_pk: int):
        organisation = access_organisation(user=request.user, pk=pk)
        membership_remove(membership=membership_get(organisation=organisation, pk=membership_pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationInvitationListView(APIView):
    """Open invitations (owners), and inviting someone by email (owners)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InvitationOut(many=True))
    def get(self, request, pk: int):
        return Response(InvitationOut(invitation_list_open(organisation=_owned(request, pk)), many=True).data)

    @extend_schema(request=InvitationIn, responses={201: InvitationOut}, description=(
        "Email a single-use link that expires after 7 days. A newer invitation to the same address replaces "
        "an open one. 403 `owner_required` for anyone but owners, 409 `already_member`, 429 "
        "`too_many_invitations` past 50 open invitations."))
    def post(self, request, pk: int):
        organisation = _owned(request, pk)
        serializer = InvitationIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = invitation_create(organisation=organisation, invited_by=request.user, **serializer.validated_data)
        return Response(InvitationOut(issued.invitation).data, status=status.HTTP_201_CREATED)


class OrganisationInvitationDetailView(APIView):
    """Revoke an open invitation (owners): its link stops working."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int, invitation_pk: int):
        organisation = _owned(request, pk)
        invitation_revoke(invitation=invitation_get(organisation=organisation, pk=invitation_pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationInvitationResendView(APIView):
    """Send an open (or expired) invitation again with a new link and a new expiry (owners)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=InvitationOut)
    def post(self, request, pk: int, invitation_pk: int):
        organisation = _owned(request, pk)
        issued = invitation_resend(invitation=invitation_get(organisation=organisation, pk=invitation_pk),
                                   actor=request.user)
        return Response(InvitationOut(issued.invitation).data)


class InvitationAcceptView(APIView):
    """Accept an invitation as the signed-in person (who must own the address it was sent to)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=InvitationAcceptIn, responses=JoinedOut, description=(
        "404 `invitation_invalid`, 409 `invitation_used` / `invitation_revoked` / `already_member`, "
        "410 `invitation_expired`, 403 `invitation_wrong_email`; a refusal changes nothing."))
    def post(self, request):
        serializer = InvitationAcceptIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = invitation_accept(token=serializer.validated_data["token"], user=request.user)
        return Response(JoinedOut(membership).data)
