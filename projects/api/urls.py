"""API routes of the projects app."""

urlpatterns: list = []
