"""Operators and their operating contracts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from communities.listing import Column, ListPageMixin
from communities.mixins import RoleRequiredMixin, ServiceFormMixin
from communities.roles import has_role

from .. import selectors, services
from ..choices import ContractState
from ..filtersets import ContractFilterSet, OperatorFilterSet
from ..forms import ContractForm, OperatorForm
from ..models import OperatingContract, Operator
from ..roles import ASSESSMENT_WRITERS, CONTRACT_READERS, CONTRACT_WRITERS
from .base import ReadPageMixin, ServiceActionView


class OperatorListView(ListPageMixin, ReadPageMixin, FilterView):
    """The register of operators with how many active contracts each holds."""

    model = Operator
    required_roles = CONTRACT_READERS
    writing_roles = CONTRACT_WRITERS
    filterset_class = OperatorFilterSet
    paginate_by = 25
    template_name = "operations/operator_list.html"
    columns = (
        Column("name", _("Name"), "name", order_by=("name",), width=30),
        Column(
            "credit_code",
            _("Unified social credit code"),
            "credit_code",
            order_by=("credit_code",),
            width=22,
        ),
        Column(
            "facility_types",
            _("Facility types"),
            lambda operator: pgettext("list separator", ", ").join(
                str(label) for label in operator.facility_type_labels
            ),
            order_by=("facility_types",),
            width=30,
        ),
        Column("contact", _("Contact"), "contact_person", order_by=("contact_person",)),
        Column("phone", _("Phone"), "phone", order_by=("phone",)),
        Column(
            "active_contracts",
            _("Active contracts"),
            "active_contracts",
            order_by=("active_contracts",),
            width=10,
        ),
    )
    default_sort = "name"
    export_filename = _("operators")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                active_contracts=Count("contracts", filter=Q(contracts__state=ContractState.ACTIVE))
            )
            .order_by("name", "pk")
        )


class OperatorDetailView(ReadPageMixin, DetailView):
    """An operator with its contracts and its elderly-care "1+N" chains."""

    model = Operator
    required_roles = CONTRACT_READERS
    writing_roles = CONTRACT_WRITERS
    template_name = "operations/operator_detail.html"

    def get_context_data(self, **kwargs):
        contracts = list(selectors.operator_contracts(operator=self.object, user=self.request.user))
        kwargs.update(
            contracts=contracts,
            chains=selectors.elderly_care_chains(contracts),
            assessments=selectors.contract_assessments(
                user=self.request.user, contract__operator=self.object
            ),
            can_edit=services.operator_editable_by(self.request.user, self.object),
        )
        return super().get_context_data(**kwargs)


class OperatorFormMixin(RoleRequiredMixin, ServiceFormMixin):
    required_roles = CONTRACT_WRITERS
    model = Operator
    form_class = OperatorForm
    template_name = "operations/form.html"
    success_message = _("The operator was saved.")

    def get_success_url(self):
        return self.object.get_absolute_url()


class OperatorCreateView(OperatorFormMixin, CreateView):
    """Register an operator."""

    extra_context = {
        "heading": _("Register an operator"),
        "back_url": reverse_lazy("operations:operator_list"),
    }

    def call_service(self, form):
        return services.operator_create(actor=self.request.user, fields=form.cleaned_data)


class OperatorUpdateView(OperatorFormMixin, UpdateView):
    """Change an operator's details."""

    extra_context = {"heading": _("Edit the operator")}

    def get_queryset(self):
        return Operator.objects.restrict(self.request.user)

    def get_object(self, queryset=None):
        # Staff may not open the form of an operator another subdistrict also contracts.
        operator = super().get_object(queryset)
        if not services.operator_editable_by(self.request.user, operator):
            raise PermissionDenied
        return operator

    def call_service(self, form):
        return services.operator_update(
            actor=self.request.user, operator=self.object, fields=form.cleaned_data
        )


class ContractListView(ListPageMixin, ReadPageMixin, FilterView):
    """Operating contracts the user may see."""

    model = OperatingContract
    required_roles = CONTRACT_READERS
    writing_roles = CONTRACT_WRITERS
    filterset_class = ContractFilterSet
    paginate_by = 25
    template_name = "operations/contract_list.html"
    columns = (
        Column(
            "title",
            pgettext_lazy("operating contract", "Title"),
            "title",
            order_by=("title",),
            width=30,
        ),
        Column(
            "subdistrict", _("Subdistrict"), "subdistrict.name", order_by=("subdistrict__code",)
        ),
        Column("operator", _("Operator"), "operator.name", order_by=("operator__name",), width=26),
        Column(
            "service_level",
            _("Service level"),
            "get_service_level_display",
            order_by=("service_level",),
        ),
        Column("starts_on", _("Starts on"), "starts_on", order_by=("starts_on",), width=12),
        Column("ends_on", _("Ends on"), "ends_on", order_by=("ends_on",), width=12),
        Column("annual_fee", _("Annual fee (yuan)"), "annual_fee", order_by=("annual_fee",)),
        Column(
            "facility_count",
            _("Facilities"),
            "facility_count",
            order_by=("facility_count",),
            width=10,
        ),
        Column("state", _("State"), "standing", order_by=("state", "ends_on")),
    )
    default_sort = "subdistrict"
    export_filename = _("operating contracts")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("subdistrict", "operator")
            .annotate(facility_count=Count("facilities"))
            .order_by("subdistrict__code", "-starts_on", "pk")
        )


class ContractDetailView(ReadPageMixin, DetailView):
    """A contract with its facilities."""

    model = OperatingContract
    required_roles = CONTRACT_READERS
    writing_roles = CONTRACT_WRITERS
    template_name = "operations/contract_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("subdistrict", "operator")

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.update(
            facilities=self.object.facilities.select_related("community"),
            assessments=selectors.contract_assessments(user=user, contract=self.object),
            assess_url=(
                f"{reverse('operations:assessment_add')}?contract={self.object.pk}"
                if has_role(user, *ASSESSMENT_WRITERS)
                else ""
            ),
            can_write=services.contract_writable_by(user, self.object),
        )
        return super().get_context_data(**kwargs)


class ContractFormMixin(RoleRequiredMixin, ServiceFormMixin):
    required_roles = CONTRACT_WRITERS
    model = OperatingContract
    form_class = ContractForm
    template_name = "operations/form.html"
    success_message = _("The contract was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return self.object.get_absolute_url()

    def contract_fields(self, form) -> dict:
        skip = {"subdistrict", "facilities"}
        return {name: value for name, value in form.cleaned_data.items() if name not in skip}


class ContractCreateView(ContractFormMixin, CreateView):
    """Sign a contract with an operator."""

    extra_context = {
        "heading": _("Record an operating contract"),
        "back_url": reverse_lazy("operations:contract_list"),
    }

    def get_initial(self):
        return {"operator": self.request.GET.get("operator")}

    def call_service(self, form):
        return services.contract_create(
            actor=self.request.user,
            subdistrict=form.cleaned_data["subdistrict"],
            facilities=form.cleaned_data["facilities"],
            fields=self.contract_fields(form),
        )


class ContractUpdateView(ContractFormMixin, UpdateView):
    """Change a contract's term, fee or facilities."""

    extra_context = {"heading": _("Edit the operating contract")}

    def get_queryset(self):
        return OperatingContract.objects.restrict(self.request.user)

    def get(self, request, *args, **kwargs):
        contract = self.get_object()
        if contract.state != ContractState.ACTIVE:
            messages.info(request, _("This contract has ended; record a new one instead."))
            return redirect(contract.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def call_service(self, form):
        return services.contract_update(
            actor=self.request.user,
            contract=self.object,
            facilities=form.cleaned_data["facilities"],
            fields=self.contract_fields(form),
        )


class ContractTerminateView(ServiceActionView):
    """End a contract early."""

    model = OperatingContract
    required_roles = CONTRACT_WRITERS
    success_message = _("The contract was terminated.")

    def call(self, obj):
        return services.contract_terminate(actor=self.request.user, contract=obj)
