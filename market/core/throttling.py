"""API throttles (a module of its own: DRF imports it while loading its settings)."""
from rest_framework import throttling


class UserRateThrottle(throttling.UserRateThrottle):
    """Throttle signed-in users only; anonymous requests are AnonRateThrottle's alone."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
