"""Row scope: subdistrict staff see only their own subdistrict's rows, everyone else reads all."""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the path from its model to the owning Subdistrict.

    Subclasses set ``subdistrict_path``, e.g. ``"community__subdistrict"``.
    """

    subdistrict_path = "subdistrict"

    def restrict(self, user):
        """Rows this user may see: none when anonymous, own subdistrict for its staff, else all."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        if user.subdistrict_id is not None:
            return self.filter(**{self.subdistrict_path: user.subdistrict_id})
        return self
