"""API routes of the operations app."""

urlpatterns: list = []
