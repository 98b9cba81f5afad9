"""allauth integration: mail goes out through Celery after commit; links from SITE_URL; redirects by role."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse


@dataclass(frozen=True)
class ConfiguredSite:
    """What allauth's mail templates read as ``current_site``, from ``SITE_URL`` instead of the Host header."""

    domain: str
    name: str = "Kampung Industri"

    def __str__(self) -> str:
        return self.domain


def configured_site() -> ConfiguredSite:
    """Return the site's name (``SITE_NAME``) and domain (from ``SITE_URL``): never the request's Host header."""
    return ConfiguredSite(domain=urlsplit(settings.SITE_URL).netloc, name=settings.SITE_NAME)


def site_link(url: str, *, request_host: str | None) -> str:
    """Return ``url`` on ``SITE_URL`` when it points at the request's own host; leave anything else alone.

    allauth builds the links of its emails (password reset, email confirmation, sign-up) with
    ``request.build_absolute_uri``, that is from the Host header the client sent. Only links on that
    host are moved, so a link to somewhere else is never rewritten.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not request_host or parts.netloc.lower() != request_host.lower():
        return url
    site = urlsplit(settings.SITE_URL)
    return urlunsplit((site.scheme, site.netloc, site.path.rstrip("/") + parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now (in the request's language), send from a worker once the transaction commits.

        Every link in the context that allauth built from the request (``activate_url``,
        ``password_reset_url``, ``signup_url``...) is rebuilt on ``SITE_URL``, and ``current_site`` is
        the configured site: a forged Host header never reaches a message.
        """
        from market.core.tasks import email_send_task

        request = context.get("request") or self.request
        host = request.get_host() if request is not None else None
        ctx = {"request": request, "email": email}
        ctx.update(context)
        ctx["current_site"] = configured_site()
        ctx.update({key: site_link(value, request_host=host) for key, value in ctx.items() if isinstance(value, str)})
        message = self.render_mail(template_prefix, email, ctx)
        html_body = next((content for content, mimetype in getattr(message, "alternatives", [])
                          if mimetype == "text/html"), None)
        email_send_task.delay_on_commit(
            subject=message.subject, body=message.body, to=list(message.to),
            html_body=html_body, from_email=message.from_email,
        )

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Key the failed sign-ins of an email on the configured site, not on the request's Host header.

        allauth's own key is ``<current site domain>:<email>``, and without ``django.contrib.sites``
        the domain is the Host header: a client could split an account's counter across host names.
        ``accounts.services.api_token_issue`` counts through this same adapter, so the sign-in page and
        the API share one counter.
        """
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{configured_site().domain}:{login}"

    def get_login_redirect_url(self, request) -> str:
        return reverse("frontend:dashboard")
