"""Page URLs of the communities app."""

from django.urls import path

from . import search, views

app_name = "communities"
urlpatterns = [
    path("", views.CommunityListView.as_view(), name="list"),
    path("search/", search.CommunitySearchView.as_view(), name="community_search"),
    path("spaces/search/", search.SpaceSearchView.as_view(), name="space_search"),
    path("priorities/", views.PriorityRankingView.as_view(), name="priorities"),
    path("<int:pk>/", views.CommunityDetailView.as_view(), name="detail"),
    path(
        "<int:parent_pk>/facilities/add/", views.FacilityCreateView.as_view(), name="facility_add"
    ),
    path(
        "<int:parent_pk>/facilities/<int:pk>/edit/",
        views.FacilityUpdateView.as_view(),
        name="facility_edit",
    ),
    path("<int:parent_pk>/spaces/add/", views.SpaceCreateView.as_view(), name="space_add"),
    path(
        "<int:parent_pk>/spaces/<int:pk>/edit/", views.SpaceUpdateView.as_view(), name="space_edit"
    ),
]

inbox_urlpatterns = (
    [
        path("", views.InboxView.as_view(), name="list"),
        path("<int:pk>/", views.NotificationOpenView.as_view(), name="open"),
        path("<int:pk>/read/", views.NotificationReadView.as_view(), name="read"),
        path("read/", views.NotificationReadView.as_view(), name="read_all"),
    ],
    "inbox",
)
