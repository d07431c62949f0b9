"""Pages of the communities app: community list, priorities, detail, inventory forms."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from django_filters.views import FilterView

from . import selectors, services
from .access import CHANGE, may
from .choices import Route
from .filtersets import CommunityFilterSet, NotificationFilterSet
from .forms import FacilityForm, SpaceResourceForm
from .health import DOWN, overall, run_checks
from .listing import Column, ListPageMixin
from .mixins import (
    ParentObjectMixin,
    RestrictedQuerysetMixin,
    RoleRequiredMixin,
    ServiceFormMixin,
)
from .models import Community, Facility, Notification, SpaceResource
from .roles import Role


class CommunityListView(ListPageMixin, RestrictedQuerysetMixin, FilterView):
    """The community list with one FilterSet for every filter."""

    model = Community
    filterset_class = CommunityFilterSet
    paginate_by = 25
    template_name = "communities/community_list.html"
    columns = (
        Column("name", _("Name"), "name", order_by=("name",), width=20),
        Column("code", _("Code"), "code", order_by=("code",), width=14),
        Column(
            "subdistrict", _("Subdistrict"), "subdistrict.name", order_by=("subdistrict__code",)
        ),
        Column("route", _("Route"), "get_route_display", order_by=("route",)),
        Column(
            "schedule",
            _("Year or batch"),
            "schedule_label",
            order_by=("plan_year", "provincial_batch"),
        ),
        Column("population", _("Population"), "population", order_by=("population",), width=12),
        Column(
            "facility_count",
            _("Facilities"),
            "facility_count",
            order_by=("facility_count",),
            width=10,
        ),
        Column(
            "assessment_score",
            _("Register assessment score"),
            "assessment_score",
            order_by=("assessment_score",),
            width=12,
        ),
    )
    default_sort = "subdistrict"
    export_filename = _("communities")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("subdistrict")
            .with_facility_count()
            .order_by("subdistrict__code", "code")
        )


class RowList(list):
    """Rows computed in Python, read by ``ListPageMixin.export`` as it reads a queryset."""

    def iterator(self, chunk_size=None):
        return iter(self)


class PriorityRankingView(ListPageMixin, ListView):
    """The policy's priority order of communities for gap filling, with the reasons.

    The order, the rank and the search are taken in the database from the stored gap
    assessments (``selectors.priority_ranked``), so a page reads only its own rows and the
    export streams the whole ranking.
    """

    template_name = "communities/priority_ranking.html"
    context_object_name = "entries"
    columns = (
        Column("rank", "#", "rank", order_by=("rank",), width=6),
        Column("community", _("Community"), "name", order_by=("name",)),
        Column(
            "subdistrict", _("Subdistrict"), "subdistrict.name", order_by=("subdistrict__name",)
        ),
        Column(
            "schedule",
            _("Year or batch"),
            "schedule_label",
            order_by=("provincial_batch", "plan_year"),
        ),
        Column(
            "reasons",
            _("Why"),
            lambda community: pgettext("list separator", ", ").join(
                map(str, selectors.priority_reasons(community))
            ),
            order_by=("rank",),
            width=60,
        ),
    )
    default_sort = "rank"
    export_filename = _("priority order")

    def get(self, request, *args, **kwargs):
        route = request.GET.get("route", Route.GAP)
        self.route = route if route in Route.values else Route.GAP
        self.year = timezone.localdate().year
        self.query = request.GET.get("q", "").strip()
        entries = selectors.priority_ranked(user=request.user, route=self.route, query=self.query)
        self.object_list = self.sort(entries)
        if request.GET.get("export") == "xlsx":
            return self.export()
        return self.render_to_response(self.get_context_data())

    def sort(self, rows):
        """The chosen column's order, then the rank, so ties keep the policy's order."""
        column, descending = self.current_sort()
        if column is None or column.key == "rank":
            return rows.order_by(F("rank").desc() if descending else F("rank").asc())
        direction = "desc" if descending else "asc"
        ordering = [getattr(F(field), direction)(nulls_last=True) for field in column.order_by]
        return rows.order_by(*ordering, "rank")

    def get_context_data(self, **kwargs):
        kwargs.update(
            routes=Route.choices,
            separator=pgettext("list separator", ", "),
            route=self.route,
            year=self.year,
            query=self.query,
        )
        context = super().get_context_data(**kwargs)
        for community in context["entries"]:
            community.reasons = selectors.priority_reasons(community)
        return context


class CommunityDetailView(RestrictedQuerysetMixin, DetailView):
    """A community with its facilities, landing spaces and gap assessment."""

    model = Community
    template_name = "communities/community_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("subdistrict")

    def get_context_data(self, **kwargs):
        community = self.object
        facilities = list(selectors.community_facilities(community))
        kwargs.update(
            facilities=facilities,
            spaces=community.spaces.order_by("kind", "name"),
            assessment=selectors.stored_gap_assessment(community),
            can_edit=bool(may(self.request.user, CHANGE, community)),
        )
        return super().get_context_data(**kwargs)


class InventoryFormMixin(RoleRequiredMixin, ParentObjectMixin, ServiceFormMixin):
    """Shared by the facility and space forms: staff of the community's own subdistrict."""

    required_roles = (Role.SUBDISTRICT_STAFF,)
    parent_model = Community
    parent_context_name = "community"
    template_name = "communities/inventory_form.html"

    def get_success_url(self):
        return reverse("communities:detail", args=[self.get_parent().pk])


class FacilityCreateView(InventoryFormMixin, CreateView):
    """Add a facility to a community."""

    form_class = FacilityForm
    success_message = _("The facility was saved.")
    extra_context = {"heading": _("Add a facility")}

    def call_service(self, form):
        return services.facility_create(
            actor=self.request.user, community=self.get_parent(), fields=form.cleaned_data
        )


class FacilityUpdateView(InventoryFormMixin, UpdateView):
    """Change a facility of a community."""

    form_class = FacilityForm
    success_message = _("The facility was saved.")
    extra_context = {"heading": _("Edit the facility")}

    def get_queryset(self):
        return Facility.objects.restrict(self.request.user).filter(community=self.get_parent())

    def call_service(self, form):
        return services.facility_update(
            actor=self.request.user, facility=self.object, fields=form.cleaned_data
        )


class SpaceCreateView(InventoryFormMixin, CreateView):
    """Record a landing space of a community."""

    form_class = SpaceResourceForm
    success_message = _("The space was saved.")
    extra_context = {"heading": _("Add a landing space")}

    def call_service(self, form):
        return services.space_create(
            actor=self.request.user, community=self.get_parent(), fields=form.cleaned_data
        )


class SpaceUpdateView(InventoryFormMixin, UpdateView):
    """Change a landing space of a community."""

    form_class = SpaceResourceForm
    success_message = _("The space was saved.")
    extra_context = {"heading": _("Edit the landing space")}

    def get_queryset(self):
        return SpaceResource.objects.restrict(self.request.user).filter(community=self.get_parent())

    def call_service(self, form):
        return services.space_update(
            actor=self.request.user, space=self.object, fields=form.cleaned_data
        )


# Inbox and health ------------------------------------------------------------------------


class InboxView(ListPageMixin, FilterView):
    """The signed-in user's notifications, newest first; unread ones stand out."""

    template_name = "communities/inbox.html"
    filterset_class = NotificationFilterSet
    context_object_name = "notifications"
    paginate_by = 30
    columns = (
        Column("subject", _("Subject"), "shown_subject", order_by=("subject",), width=40),
        Column("body", _("Message"), "shown_body", width=60),
        Column("created_at", _("Received at"), "created_at", order_by=("created_at",)),
        Column(
            "read",
            _("Read"),
            lambda notification: _("Read") if notification.read_at else _("Unread"),
            order_by=("read_at",),
            width=10,
        ),
    )
    default_sort = "-created_at"
    export_filename = _("inbox")

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


class NotificationOpenView(View):
    """Open a notification: mark it read, then go to what it is about (or back to the inbox)."""

    def get(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        services.notification_mark_read(actor=request.user, notification=notification)
        if notification.link and url_has_allowed_host_and_scheme(
            notification.link, allowed_hosts={request.get_host()}
        ):
            return redirect(notification.link)
        return redirect("inbox:list")


class NotificationReadView(View):
    """Mark one notification, or all of them, as read."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        if pk is None:
            services.notifications_mark_all_read(actor=request.user)
        else:
            notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
            services.notification_mark_read(actor=request.user, notification=notification)
        return redirect(request.POST.get("next") or "inbox:list")


@method_decorator(login_not_required, name="dispatch")
class HealthView(View):
    """For the load balancer: the bare status with no login (503 when the database is down);
    signed-in staff also get each check's detail."""

    def get(self, request):
        checks = run_checks()
        status = overall(checks)
        body = {"status": status}
        if request.user.is_authenticated and request.user.is_staff:
            body["checks"] = [
                {"name": check.name, "status": check.status, "detail": check.detail}
                for check in checks
            ]
        return JsonResponse(body, status=503 if status == DOWN else 200)
