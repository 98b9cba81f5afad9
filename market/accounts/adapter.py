"""allauth integration: mail goes out through Celery after commit; redirects by role."""
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now (in the request's language), send from a worker once the transaction commits."""
        from market.core.tasks import email_send_task

        request = context.get("request") or self.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html_body = next((content for content, mimetype in getattr(message, "alternatives", [])
                          if mimetype == "text/html"), None)
        email_send_task.delay_on_commit(
            subject=message.subject, body=message.body, to=list(message.to),
            html_body=html_body, from_email=message.from_email,
        )

    def get_login_redirect_url(self, request) -> str:
        return reverse("frontend:dashboard")
