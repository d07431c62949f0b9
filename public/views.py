"""The public window (no login, cached per language) and the staff's suggestion pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from communities.context_processors import portal
from communities.listing import Column, ListPageMixin
from communities.logins import client_ip_address
from communities.mixins import ServiceActionView, refusal_messages
from communities.models import Community

from . import selectors, services
from .cache import cached_html, page_key
from .filtersets import SuggestionFilterSet
from .forms import SuggestionForm
from .lifecycles import SUGGESTION
from .models import Suggestion

SUGGESTIONS_PER_PAGE = 20


@method_decorator(login_not_required, name="dispatch")
class PublicPageView(View):
    """A public page: rendered once per language and generation, then served from the cache.

    Cached pages carry no form token and read nothing of the visitor (no session, no user).
    """

    template_name = ""
    cache_name = ""

    def cache_parts(self) -> tuple:
        return ()

    def get_context(self) -> dict:
        return {}

    def render_page(self) -> str:
        context = {**self.get_context(), "demo_data_loaded": portal(None)["demo_data_loaded"]}
        return render_to_string(self.template_name, context)

    def get(self, request, *args, **kwargs):
        key = page_key(self.cache_name, *self.cache_parts())
        html = cached_html(key, self.render_page)
        response = HttpResponse(html)
        patch_vary_headers(response, ("Cookie",))
        return response


class ProgressView(PublicPageView):
    """The programme's progress per subdistrict, and every community to find one's own."""

    template_name = "public/progress.html"
    cache_name = "progress"

    def get_context(self):
        return {
            "rows": selectors.progress(),
            "communities": selectors.public_communities(),
            "path": reverse("public:index"),
        }


class NoticeListView(PublicPageView):
    """Every public notice of approved plans and future-community projects."""

    template_name = "public/notices.html"
    cache_name = "notices"

    def get_context(self):
        return {"notices": selectors.notices(), "path": reverse("public:notices")}


class CommunityView(PublicPageView):
    """One community: its notices, the facilities within its life circle, answered
    suggestions."""

    template_name = "public/community.html"
    cache_name = "community"

    def cache_parts(self):
        return (self.kwargs["code"],)

    def get(self, request, *args, **kwargs):
        self.community = get_object_or_404(
            Community.objects.select_related("subdistrict"), code=kwargs["code"]
        )
        return super().get(request, *args, **kwargs)

    def get_context(self):
        community = self.community
        return {
            "community": community,
            "notices": [notice for _code, notice in selectors.notices(community=community)],
            "facilities": selectors.circle_facilities(community),
            "circle_minutes": selectors.CIRCLE_MINUTES,
            "suggestions": selectors.published_suggestions(community=community)[:50],
            "path": reverse("public:community", kwargs={"code": community.code}),
        }


class SuggestionListView(PublicPageView):
    """Answered suggestions with their answers, newest answers first."""

    template_name = "public/suggestions.html"
    cache_name = "suggestions"

    def cache_parts(self):
        number = self.request.GET.get("page", "1")
        return (number if number.isdigit() else "1",)

    def get_context(self):
        paginator = Paginator(selectors.published_suggestions(), SUGGESTIONS_PER_PAGE)
        page = paginator.get_page(self.cache_parts()[0])
        return {"page": page, "path": reverse("public:suggestions")}


class SentView(PublicPageView):
    """Thanks for a suggestion, and what happens to it next."""

    template_name = "public/sent.html"
    cache_name = "sent"

    def get_context(self):
        return {"path": reverse("public:sent")}


@method_decorator(login_not_required, name="dispatch")
class SuggestView(View):
    """The suggestion form of one community (not cached: it carries a form token)."""

    template_name = "public/suggest.html"

    def dispatch(self, request, *args, **kwargs):
        self.community = get_object_or_404(
            Community.objects.select_related("subdistrict"), code=kwargs["code"]
        )
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, status=200):
        context = {
            "community": self.community,
            "form": form,
            "path": reverse("public:suggest", kwargs={"code": self.community.code}),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_form(SuggestionForm())

    def post(self, request, *args, **kwargs):
        form = SuggestionForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        if form.is_robot:
            # Looks sent to the robot; nothing is kept.
            return redirect("public:sent")
        data = form.cleaned_data
        try:
            services.suggestion_submit(
                community=self.community,
                category=data["category"],
                text=data["text"],
                phone=data["phone"],
                address=client_ip_address(request),
            )
        except ValidationError as error:
            for message in refusal_messages(error):
                form.add_error(None, message)
            status = 429 if getattr(error, "code", "") == "rate_limited" else 200
            return self.render_form(form, status=status)
        return redirect("public:sent")


@login_not_required
def language(request, code):
    """Switch the public window's language by a plain link (a phone needs no form for it)."""
    if not check_for_language(code) or code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    if not safe or not target.startswith("/public/"):
        target = reverse("public:index")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
    )
    return response


# Staff pages -------------------------------------------------------------------------------


class SuggestionStaffListView(ListPageMixin, FilterView):
    """Suggestions of the user's scope, newest first; phones masked by ``phone_for``."""

    filterset_class = SuggestionFilterSet
    template_name = "public/staff/suggestion_list.html"
    paginate_by = 50
    columns = (
        Column("received_at", _("Received"), "received_at", order_by=("received_at",)),
        Column("community", _("Community"), "community.name", order_by=("community__name",)),
        Column("category", _("Category"), "get_category_display", order_by=("category",)),
        Column("state", _("State"), "get_state_display", order_by=("state",)),
        Column("text", _("Suggestion"), "text", width=60),
    )
    default_sort = "-received_at"
    export_filename = _("suggestions")

    def get_queryset(self):
        return selectors.staff_suggestions(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["rows"] = [(row, selectors.phone_for(user, row)) for row in context["object_list"]]
        return context


class SuggestionStaffDetailView(DetailView):
    """One suggestion with its answer forms for the community's subdistrict staff."""

    template_name = "public/staff/suggestion_detail.html"
    context_object_name = "suggestion"

    def get_queryset(self):
        return selectors.staff_suggestions(self.request.user)

    def get_context_data(self, bound_forms=None, **kwargs):
        suggestion = self.object
        user = self.request.user
        bound_forms = bound_forms or {}
        steps = []
        for step in SUGGESTION.available(user, suggestion, where="page"):
            form_class = SUGGESTION.form_class(step.name)
            form = bound_forms.get(step.name) or form_class(suggestion=suggestion)
            steps.append((step, form))
        kwargs.update(
            phone=selectors.phone_for(user, suggestion),
            steps=steps,
            answer_limit_days=settings.SUGGESTION_ANSWER_LIMIT_DAYS,
        )
        return super().get_context_data(**kwargs)


class SuggestionActionView(ServiceActionView):
    """Release or answer a suggestion: one step of its life cycle."""

    model = Suggestion
    lifecycle = SUGGESTION
    page_view = SuggestionStaffDetailView

    def get_form_kwargs(self, obj):
        return {"suggestion": obj}
