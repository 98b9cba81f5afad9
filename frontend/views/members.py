"""Pages: an organisation's people (members, invitations, roles), accepting an invitation, and whom one acts for.

Any member sees the members page; only owners invite, send again, revoke, change roles and remove
(``market.accounts.members`` checks it again and keeps at least one owner). The invitation link
(``/invitations/<token>/``) shows the invitation on GET and accepts it on POST, so that a mail
scanner following the link uses nothing up; people without a session go through allauth's sign-in
or sign-up with ``next`` pointing back here (the address the invitation was sent to counts as
verified, as allauth's ``stash_verified_email`` is meant for).
"""
from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.acting import acting_set
from frontend.forms.members import ActingForForm, InviteForm, RoleForm
from frontend.views.common import next_url, not_found_as_404
from market.accounts.members import (
    INVITATION_SESSION_KEY,
    MAX_OPEN_INVITATIONS,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_remove,
    membership_role_set,
    user_has_email,
)
from market.accounts.models import Membership, Organisation
from market.accounts.selectors import (
    access_organisation,
    invitation_get,
    invitation_get_by_token,
    invitation_list_open,
    membership_event_list,
    membership_get,
    organisation_member_list,
)
from market.core.errors import ApplicationError, NotFound


def _members_url(organisation) -> str:
    return reverse("frontend:organisation-members", kwargs={"pk": organisation.pk})


def _members_page(request, organisation, *, invite_form=None, status=200):
    is_owner = organisation.viewer_role == Membership.Role.OWNER
    members = organisation_member_list(organisation=organisation)
    return render(request, "frontend/members/members.html", {
        "organisation": organisation, "is_owner": is_owner, "members": members,
        "owner_count": sum(1 for m in members if m.role == Membership.Role.OWNER),
        "invitations": list(invitation_list_open(organisation=organisation)) if is_owner else [],
        "events": membership_event_list(organisation=organisation) if is_owner else [],
        "invite_form": invite_form or InviteForm(), "roles": Membership.Role.choices,
        "is_producer": organisation.kind == Organisation.Kind.PRODUCER,
        "max_open": MAX_OPEN_INVITATIONS,
    }, status=status)


@login_required
@not_found_as_404
@require_http_methods(["GET"])
def members(request, pk: int):
    return _members_page(request, access_organisation(user=request.user, pk=pk))


@login_required
@not_found_as_404
@require_POST
def member_invite(request, pk: int):
    organisation = access_organisation(user=request.user, pk=pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, invite_form=form, status=400)
    try:
        issued = invitation_create(organisation=organisation, invited_by=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(str(exc.message)) from exc
        form.add_application_error(exc)
        return _members_page(request, organisation, invite_form=form, status=400)
    messages.success(request, _("Invitation sent to %(email)s. The link works once, for 7 days.")
                     % {"email": issued.invitation.email})
    return redirect(_members_url(organisation))


def _owner_action(request, pk: int, action, done: str):
    organisation = access_organisation(user=request.user, pk=pk)
    try:
        action(organisation)
    except ApplicationError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(str(exc.message)) from exc
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect(_members_url(organisation))


@login_required
@not_found_as_404
@require_POST
def invitation_resend_view(request, pk: int, invitation_pk: int):
    return _owner_action(request, pk, lambda org: invitation_resend(
        invitation=invitation_get(organisation=org, pk=invitation_pk), actor=request.user),
        _("The invitation was sent again with a new link; the old link no longer works."))


@login_required
@not_found_as_404
@require_POST
def invitation_revoke_view(request, pk: int, invitation_pk: int):
    return _owner_action(request, pk, lambda org: invitation_revoke(
        invitation=invitation_get(organisation=org, pk=invitation_pk), actor=request.user),
        _("The invitation was revoked: its link no longer works."))


@login_required
@not_found_as_404
@require_POST
def member_role(request, pk: int, membership_pk: int):
    # Someone outside the organisation is refused before their form is read.
    access_organisation(user=request.user, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose owner, manager or member."))
        return redirect("frontend:organisation-members", pk=pk)
    return _owner_action(request, pk, lambda org: membership_role_set(
        membership=membership_get(organisation=org, pk=membership_pk), role=form.cleaned_data["role"],
        actor=request.user), _("Role changed."))


@login_required
@not_found_as_404
@require_POST
def member_remove(request, pk: int, membership_pk: int):
    organisation = access_organisation(user=request.user, pk=pk)
    membership = membership_get(organisation=organisation, pk=membership_pk)
    leaving = membership.user_id == request.user.pk
    try:
        membership_remove(membership=membership, actor=request.user)
    except ApplicationError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(str(exc.message)) from exc
        messages.error(request, str(exc.message))
        return redirect(_members_url(organisation))
    if leaving:
        messages.success(request, _("You left %(name)s.") % {"name": organisation.name})
        return redirect("frontend:dashboard")
    messages.success(request, _("%(person)s was removed from %(name)s.") % {
        "person": membership.user, "name": organisation.name})
    return redirect(_members_url(organisation))


# --- the invitation link ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token: str):
    """Show an invitation and, on POST by the person it was sent to, accept it."""
    invitation = invitation_get_by_token(token=token)
    context: dict = {"invitation": invitation, "token": token}
    if invitation is None:
        context["problem"] = _("This invitation link is not valid. Ask the organisation's owner for a new one.")
        return render(request, "frontend/members/invitation.html", context, status=404)
    try:
        invitation_check(invitation=invitation)
    except ApplicationError as exc:
        context["problem"] = str(exc.message)
        return render(request, "frontend/members/invitation.html", context, status=exc.http_status)
    here = reverse("frontend:invitation-accept", kwargs={"token": token})
    user = request.user
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
        # The link proves the address: allauth's sign-up takes it as verified and pre-fills it.
        get_adapter(request).stash_verified_email(request, invitation.email)
        request.session[INVITATION_SESSION_KEY] = token
        context.update(login_url=f"{reverse('account_login')}?{urlencode({'next': here})}",
                       signup_url=f"{reverse('account_signup')}?{urlencode({'next': here})}")
        return render(request, "frontend/members/invitation.html", context)
    if not user_has_email(user=user, email=invitation.email):
        context["wrong_email"] = True
        return render(request, "frontend/members/invitation.html", context, status=403)
    if request.method == "GET":
        return render(request, "frontend/members/invitation.html", context)
    try:
        membership = invitation_accept(token=token, user=user)
    except ApplicationError as exc:
        context["problem"] = str(exc.message)
        return render(request, "frontend/members/invitation.html", context, status=exc.http_status)
    request.session.pop(INVITATION_SESSION_KEY, None)
    messages.success(request, _("Welcome to %(name)s! You joined as %(role)s.") % {
        "name": membership.organisation.name, "role": membership.get_role_display()})
    if membership.organisation.kind == Organisation.Kind.BUYER:
        acting_set(request, str(membership.organisation_id))
    return redirect(_members_url(membership.organisation))


# --- acting for ------------------------------------------------------------------------------


@login_required
@require_POST
def acting_for_view(request):
    """Switch whom the person acts for (themself or one of their buyer organisations)."""
    form = ActingForForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied(_("Choose yourself or one of your organisations."))
    try:
        organisation = acting_set(request, form.cleaned_data["acting_for"])
    except ApplicationError as exc:
        raise PermissionDenied(str(exc.message)) from exc
    if organisation is None:
        messages.success(request, _("You now shop for yourself."))
    else:
        messages.success(request, _("You now act for %(name)s.") % {"name": organisation.name})
    return redirect(next_url(request, reverse("frontend:cart")))


urlpatterns = [
    path("account/organisations/<int:pk>/members/", members, name="organisation-members"),
    path("account/organisations/<int:pk>/members/invite/", member_invite, name="organisation-member-invite"),
    path("account/organisations/<int:pk>/members/<int:membership_pk>/role/", member_role,
         name="organisation-member-role"),
    path("account/organisations/<int:pk>/members/<int:membership_pk>/remove/", member_remove,
         name="organisation-member-remove"),
    path("account/organisations/<int:pk>/invitations/<int:invitation_pk>/resend/", invitation_resend_view,
         name="organisation-invitation-resend"),
    path("account/organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/", invitation_revoke_view,
         name="organisation-invitation-revoke"),
    path("invitations/<str:token>/", invitation_accept_view, name="invitation-accept"),
    path("acting-for/", acting_for_view, name="acting-for"),
]
