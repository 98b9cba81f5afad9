"""The Stripe webhook: signature checked on the raw body before anything else."""
from __future__ import annotations

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import stripe_client
from payments.services.card import stripe_event_process


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Verify, record once, apply; 400 and no side effect for a bad, missing or stale signature."""
    signature = request.headers.get("Stripe-Signature", "")
    if not settings.STRIPE_WEBHOOK_SECRET or not signature:
        return HttpResponse(status=400)
    try:
        event = stripe_client.webhook_event_construct(payload=request.body, signature=signature)
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponse(status=400)
    stripe_event_process(event=event)
    return HttpResponse(status=200)
