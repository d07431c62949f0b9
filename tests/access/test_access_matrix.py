"""The permission matrix: every URL name of the portal, as every role and anonymous, answers as
tests/access/access_matrix.py declares, on rows of the staff's own and of another subdistrict."""

from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access_matrix import FORBIDDEN, LOGIN, MATRIX, NOT_FOUND, OK, REFUSED, ROLES

ADMIN_PREFIX = "admin/"


def portal_patterns(resolver=None, prefix="", namespace=""):
    """Every URL pattern outside the admin: (its name with namespace, its route)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(ADMIN_PREFIX):
            continue
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from portal_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, route


def outcome(response, *, anonymous: bool, api: bool) -> str:
    """What the answer means, in the matrix's terms."""
    status = response.status_code
    if status == 200:
        # A button's service refused: its page again, with the reason as an error message.
        return REFUSED if _errors(response) else OK
    if status in (301, 302):
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL) + "?next="):
            return LOGIN
        return REFUSED if _errors(response) else OK
    if status == 401 or (status == 403 and anonymous and api):
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    return str(status)


def _errors(response) -> list:
    return [
        message
        for message in messages.get_messages(response.wsgi_request)
        if message.level == messages.ERROR
    ]


class Requester:
    """Requests URLs as one user (None: anonymous), signed in once. Each request runs inside
    a savepoint that is rolled back, so what one request posts (a sign-out included) is gone
    before the next; the session cookie is put back before each."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        if user is not None:
            self.client.force_login(user)
        self.cookies = self.client.cookies

    def answer(self, url: str, post: dict | None) -> str:
        """The outcome of a GET of the URL, or of a POST of ``post``."""
        self.client.cookies = SimpleCookie(self.cookies)
        with transaction.atomic():
            response = self.client.get(url) if post is None else self.client.post(url, post)
            result = outcome(response, anonymous=self.user is None, api=url.startswith("/api/"))
            if response.streaming:  # read a download to its end, which closes the file
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        return result


@pytest.fixture(scope="module")
def requesters(world, django_db_blocker):
    """Anonymous and one signed-in client per role, for the whole module."""
    with django_db_blocker.unblock():
        return {None: Requester(None)} | {role: Requester(world.users[role]) for role in ROLES}


def test_every_url_name_of_the_portal_has_a_row():
    # given every URL pattern outside the admin
    patterns = list(portal_patterns())
    declared = {row.name for row in MATRIX}
    # then each has a name, each name has a row in the matrix, and each row names a URL
    unnamed = [route for name, route in patterns if not name]
    missing = sorted({name for name, _route in patterns if name} - declared)
    stale = sorted(declared - {name for name, _route in patterns})
    assert not unnamed, f"name these URL patterns so the matrix can hold their rows: {unnamed}"
    assert not missing, f"add a row to tests/access/access_matrix.py for: {missing}"
    assert not stale, f"these rows name no URL of the portal: {stale}"
    assert len(declared) == len(MATRIX), "one row per URL name"


@pytest.mark.parametrize("row", MATRIX, ids=[row.name for row in MATRIX])
def test_the_url_answers_each_role_as_the_matrix_declares(world, requesters, db, row):
    # given each role and anonymous, and the URL filled in with a row of each subdistrict
    if row.args is None:
        urls = {"own": reverse(row.name)}
    elif row.city:
        urls = {"own": reverse(row.name, kwargs=row.args(world.city))}
    else:
        urls = {
            side: reverse(row.name, kwargs=row.args(rows)) for side, rows in world.sides.items()
        }
    # when each requests it
    answers = {
        (role, side): requester.answer(url, row.post)
        for role, requester in requesters.items()
        for side, url in urls.items()
    }
    # then each answer is the one the matrix declares
    expected = {(role, side): row.expected(role, side) for role, side in answers}
    wrong = {
        f"{role or 'anonymous'} on {side}": f"got {answers[key]}, expected {expected[key]}"
        for key in answers
        if answers[key] != expected[key]
        for role, side in [key]
    }
    assert not wrong, wrong
