"""Pages: the signed-in person's account beyond allauth's own pages (their API tokens, their data).

The list reads ``accounts.selectors.api_token_list`` (the one the API's ``GET /api/v1/auth/tokens/``
reads); revoking calls ``accounts.services.api_token_revoke``. Tokens are issued by the API only
(``POST /api/v1/auth/token/``), where the secret is shown once.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from frontend.forms.account import AccountCloseForm
from frontend.forms.errors import form_add_application_error
from market.accounts.exceptions import AccountClosureBlocked, AccountClosureWrongPassword
from market.accounts.selectors import account_closure_blockers, api_token_list, personal_data_export
from market.accounts.services import account_close, api_token_revoke
from market.core.errors import ApplicationError, NotFound


@login_required
@require_safe
def api_tokens(request):
    return render(request, "frontend/account/api_tokens.html", {"tokens": api_token_list(user=request.user)})


@login_required
@require_safe
def personal_data(request):
    return render(request, "frontend/account/personal_data.html")


@login_required
@require_safe
def personal_data_download(request):
    """Everything the marketplace keeps about the signed-in person, as a JSON file."""
    data = personal_data_export(user=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="kampung-industri-data-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke_page(request, pk: int):
    try:
        api_token_revoke(user=request.user, token_id=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    messages.success(request, _("The token was revoked: clients that use it are signed out."))
    return redirect("frontend:account-api-tokens")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_close_page(request):
    """Close the signed-in person's account: what goes, what stays and why, what must be settled first."""
    form = AccountCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_close(user=request.user, password=form.cleaned_data["password"], request=request)
        except AccountClosureWrongPassword as exc:
            form.add_error("password", str(exc.message))
        except AccountClosureBlocked as exc:
            form.add_error(None, str(exc.message))
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            logout(request)
            messages.success(request, _("Your account is closed. We sent a confirmation to your email address."))
            return redirect("frontend:home")
    blockers = [] if request.user.is_officer else account_closure_blockers(user=request.user)
    return render(request, "frontend/account/close.html",
                  {"form": form, "blockers": blockers, "is_officer": request.user.is_officer})


urlpatterns = [
    path("account/close/", account_close_page, name="account-close"),
    path("account/api-tokens/", api_tokens, name="account-api-tokens"),
    path("account/data/", personal_data, name="account-personal-data"),
    path("account/data/download/", personal_data_download, name="account-personal-data-download"),
    path("account/api-tokens/<int:pk>/revoke/", api_token_revoke_page, name="account-api-token-revoke"),
]
