"""API routes of the funding app."""

urlpatterns: list = []
