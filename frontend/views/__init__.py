"""Page views, one module per area; each area module exposes its ``urlpatterns``."""
