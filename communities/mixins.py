"""Base views: every list and detail page reads through ``restrict(user)``, and every button
that changes a row is a :class:`ServiceActionView`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from .access import roles_refusal
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


class ServiceActionView(View):
    """A POST button that calls one service, then goes where the result leads.

    The row named by the URL's ``pk`` is read through ``restrict(user)`` (another subdistrict's
    is a 404); a view with no ``model`` acts on no row (asking for something new). With a
    ``lifecycle``, the URL's ``step`` (or ``step_name``) names the step: only the roles the step
    names may post (403, before anything is read), its form parses the post and its service is
    called. Otherwise ``required_roles``, ``form_class`` and ``call(obj, data)`` say the same.

    A refusal is always shown the same way: the reasons on top of the page the button was on
    (``page_view`` rendered again, with the step's form as filled in under
    ``bound_forms[<step or form_name>]``; without one, a redirect to ``get_refusal_url``).
    """

    http_method_names = ["post"]
    model = None
    lifecycle = None
    step_name = ""
    required_roles: tuple[str, ...] = ()
    page_view = None
    form_class = None
    form_name = ""
    success_message = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.step_name:
            self.kwargs.setdefault("step", self.step_name)

    def dispatch(self, request, *args, **kwargs):
        step = self.get_step()
        roles = step.roles if step is not None else self.required_roles
        if roles and not has_role(request.user, *roles):
            raise PermissionDenied(roles_refusal(roles))
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if self.model is None:
            return None
        queryset = self.model.objects.restrict(self.request.user)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_step(self):
        step = self.kwargs.get("step")
        if self.lifecycle is None:
            return None
        if step not in self.lifecycle or not self.lifecycle[step].shown_on("page"):
            raise Http404
        return self.lifecycle[step]

    def get_form_class(self, step):
        return self.lifecycle.form_class(step.name) if step else self.form_class

    def get_form_kwargs(self, obj) -> dict:
        return {}

    def call(self, obj, data: dict):
        step = self.get_step()
        return self.lifecycle.run(self.request.user, step.name, obj, data)

    def get_success_message(self, step, result) -> str:
        return str(step.done) if step and step.done else str(self.success_message)

    def get_success_url(self, obj, result):
        return obj.get_absolute_url()

    def get_refusal_url(self, obj):
        return obj.get_absolute_url()

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        step = self.get_step()
        form_class = self.get_form_class(step)
        form = None
        if form_class is not None:
            form = form_class(request.POST, request.FILES, **self.get_form_kwargs(obj))
        if form is None or form.is_valid():
            try:
                result = self.call(obj, form.cleaned_data if form is not None else {})
            except (ValidationError, PermissionDenied) as error:
                return self.refused(obj, step, form, error)
            message = self.get_success_message(step, result)
            if message:
                messages.success(request, message)
            return HttpResponseRedirect(self.get_success_url(obj, result))
        return self.refused(obj, step, form, None)

    def refused(self, obj, step, form, error):
        """The button's page again: the reason on top, the form as filled in with its errors."""
        reasons = refusal_messages(error) if error is not None else []
        if form is not None and error is not None:
            add_service_errors(form, error)
        if not reasons and self.page_view is None and form is not None:
            # Without the page to show the form's own errors on, they are the reasons.
            reasons = [str(message) for errors in form.errors.values() for message in errors]
        for reason in reasons or [_("Nothing was changed: see the reason by the form.")]:
            messages.error(self.request, reason)
        if self.page_view is None:
            return HttpResponseRedirect(self.get_refusal_url(obj))
        page = self.page_view(request=self.request, args=self.args, kwargs={"pk": obj.pk})
        page.object = page.get_object()
        name = step.name if step else self.form_name
        bound = {name: form} if form is not None and name else {}
        return page.render_to_response(page.get_context_data(bound_forms=bound))


def refusal_messages(error) -> list[str]:
    """The reasons a service gave for refusing, as sentences to show."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)] if str(error) else [_("You may not do this.")]
