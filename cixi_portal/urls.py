"""Top-level URLs: pages, admin, API, language switch and login."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from communities.urls import inbox_urlpatterns
from communities.views import HealthView
from public.urls import staff_urlpatterns as suggestion_urlpatterns

from .views import HomeView

# Lazy, so the admin's header is in the reader's language (Chinese by default).
admin.site.site_header = admin.site.site_title = gettext_lazy(
    "Cixi urban-community public-service facilities gap-filling"
)
admin.site.index_title = gettext_lazy("Administration")

api_patterns = [
    path("", include("communities.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("funding.api.urls")),
    path("", include("operations.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("health/", HealthView.as_view(), name="health"),
    path("inbox/", include(inbox_urlpatterns)),
    path("communities/", include("communities.urls")),
    path("plans/", include("projects.urls")),
    path("funding/", include("funding.urls")),
    path("operations/", include("operations.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("public/", include("public.urls")),
    path("suggestions/", include((suggestion_urlpatterns, "suggestions"))),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]
