"""API: tokens for API clients (issue, list, revoke), and who am I."""
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

from market.accounts.models import ApiToken, User
from market.accounts.selectors import api_token_list, membership_list, personal_data_export
from market.accounts.services import api_token_issue, api_token_revoke, api_token_revoke_current


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
