"""Base views: every list and detail page reads through ``restrict(user)``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404

from .roles import has_role


class RestrictedQuerysetMixin:
    """Reads only the rows the user may see; another subdistrict's row is a 404."""

    model = None

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user)


class RoleRequiredMixin:
    """Refuses the page unless the user holds one of ``required_roles``."""

    required_roles: tuple[str, ...] = ()

    def ensure_role(self, request) -> None:
        """Refuse with a 403 unless the user holds one of ``required_roles``."""
        if self.required_roles and not has_role(request.user, *self.required_roles):
            raise PermissionDenied

    def dispatch(self, request, *args, **kwargs):
        self.ensure_role(request)
        return super().dispatch(request, *args, **kwargs)


class ParentObjectMixin:
    """Loads the parent row named in the URL through its restricted queryset."""

    parent_model = None
    parent_url_kwarg = "parent_pk"
    parent_context_name = "parent"

    def get_parent(self):
        if not hasattr(self, "_parent"):
            queryset = self.parent_model.objects.restrict(self.request.user)
            self._parent = get_object_or_404(queryset, pk=self.kwargs[self.parent_url_kwarg])
        return self._parent

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.parent_context_name, self.get_parent())
        return super().get_context_data(**kwargs)


class ServiceFormMixin:
    """Hands valid form data to a service; refusals come back as form errors, nothing saved."""

    success_message = ""

    def form_valid(self, form):
        try:
            self.object = self.call_service(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names, the rest on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)
