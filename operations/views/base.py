"""Shared pieces of the operations pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import pgettext
from django.views import View

from communities.mixins import RestrictedQuerysetMixin, RoleRequiredMixin
from communities.roles import has_role


class ReadPageMixin(RoleRequiredMixin, RestrictedQuerysetMixin):
    """A page that needs one of the reading roles and reads through ``restrict(user)``;
    ``can_write`` tells the template whether to offer the ``writing_roles``' buttons, and
    ``separator`` joins the items of a list in the reader's language."""

    writing_roles: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("can_write", has_role(self.request.user, *self.writing_roles))
        kwargs.setdefault("separator", pgettext("list separator", ", "))
        return super().get_context_data(**kwargs)


class ServiceActionView(RoleRequiredMixin, View):
    """A POST button that calls one service on a restricted row, then goes back to its page.

    Subclasses set ``model``, ``required_roles``, ``success_message`` and ``call(obj)``.
    """

    model = None
    success_message = ""
    http_method_names = ["post"]

    def get_object(self):
        return get_object_or_404(
            self.model.objects.restrict(self.request.user), pk=self.kwargs["pk"]
        )

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            result = self.call(obj)
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return redirect(obj.get_absolute_url())
        if self.success_message:
            messages.success(request, self.success_message)
        return redirect(self.get_success_url(result or obj))

    def get_success_url(self, obj):
        return obj.get_absolute_url()
