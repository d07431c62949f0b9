"""An anonymous visitor reaches the public window and the login page and nothing else: every
other URL of the project redirects to a login page or is refused."""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

pytestmark = pytest.mark.django_db

# Open to anyone before this issue: the login page, the language switch (a POST) and the load
# balancer's bare status.
ALREADY_PUBLIC = {"login/", "admin/login/", "i18n/setlang/", "health/"}
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
SAMPLE = {"int": "1", "slug": "c001", "str": "x", "path": "x", "uuid": "0" * 32}


def every_route(resolver=None, prefix=""):
    """Every URL pattern of the project as a path with sample arguments."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from every_route(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def as_path(route: str) -> str:
    # Regular expression routes (the admin's, the API router's): a sample for each group, the
    # literal part otherwise.
    route = re.sub(r"\\\.\(\?P<format>[^)]*\)/?|\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"[\^$?()]", "", route).replace("\\", "")
    return "/" + CONVERTER.sub(lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)


def test_anonymous_reaches_only_the_public_window_and_the_login(db):
    login = resolve_url(settings.LOGIN_URL)
    client = Client()
    leaks = []
    routes = sorted(set(every_route()))
    assert any(route.startswith("public/") for route in routes)
    for route in routes:
        path = as_path(route)
        resolve(path)  # the sample reaches the pattern it stands for
        response = client.get(path)
        status = response.status_code
        if route.startswith("public/") or route in ALREADY_PUBLIC:
            continue
        location = response.get("Location", "")
        to_login = status in (301, 302) and (
            location.startswith(login + "?next=") or "/admin/login/" in location
        )
        if not (to_login or status in (401, 403, 404, 405)):
            leaks.append(f"{route} -> {status} {location}")
    assert not leaks, "\n".join(leaks)


def test_the_public_pages_answer_anonymous_visitors(db):
    from tests.factories import CommunityFactory

    community = CommunityFactory(code="c001")
    client = Client()
    for path in (
        "/public/",
        "/public/notices/",
        "/public/suggestions/",
        "/public/suggestions/sent/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/public/communities/{community.code}/").status_code == 200
    assert client.get(f"/public/communities/{community.code}/suggest/").status_code == 200
    assert client.get(login_url()).status_code == 200


def login_url():
    return resolve_url(settings.LOGIN_URL)
