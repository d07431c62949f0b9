"""Logins and headers: throttling, password rules, idle sessions, CSP, HSTS and check --deploy."""

import importlib
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from communities.logins import client_ip_address
from communities.roles import Role
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent
LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF = settings.AXES_COOLOFF_TIME
EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@pytest.fixture
def staff(db):
    return UserFactory(username="staff_a", roles=[Role.SUBDISTRICT_STAFF])


def log_in(client, url, username, password, address="10.0.0.1", **extra):
    """Post the login form of the portal or the admin from one client address."""
    data = {"username": username, "password": password}
    if url == reverse("admin:login"):
        data["next"] = reverse("admin:index")
    return client.post(url, data, REMOTE_ADDR=address, **extra)


def fail(client, url, username, times, address="10.0.0.1"):
    """Send a wrong password this many times."""
    for _ in range(times):
        response = log_in(client, url, username, "wrong-password", address)
    return response


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def end_cool_off():
    """Move every recorded failure back past the cool-off, as if that much time had passed."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - COOL_OFF - timedelta(seconds=1))


# Login throttling -------------------------------------------------------------------------------


def test_the_limits_are_five_failures_and_fifteen_minutes_by_default():
    assert LIMIT == 5
    assert timedelta(minutes=15) == COOL_OFF
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"], ids=["portal", "admin"])
def test_the_right_password_is_refused_after_too_many_wrong_ones(client, staff, url):
    # given as many wrong passwords as the limit allows
    last = fail(client, url, staff.username, LIMIT)
    assert last.status_code == 429
    # when the right password follows
    response = log_in(client, url, staff.username, PASSWORD)
    # then it is refused with the time to try again, in Chinese
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "登录失败次数过多" in page
    retry_at = timezone.localtime(AccessAttempt.objects.get().attempt_time + COOL_OFF)
    assert f"您可以在 <strong>{retry_at:%Y-%m-%d %H:%M}</strong> 之后再试" in page
    assert "约 15 分钟后" in page
    assert 840 <= int(response["Retry-After"]) <= 900


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"], ids=["portal", "admin"])
def test_the_right_password_works_again_after_the_cool_off(client, staff, url):
    # given a locked-out username
    fail(client, url, staff.username, LIMIT)
    # when the cool-off has passed
    end_cool_off()
    response = log_in(client, url, staff.username, PASSWORD)
    # then the right password logs in
    assert response.status_code == 302
    assert logged_in(client)


def test_fewer_failures_than_the_limit_do_not_lock(client, staff):
    # given one wrong password less than the limit
    fail(client, "/login/", staff.username, LIMIT - 1)
    # when the right one follows
    response = log_in(client, "/login/", staff.username, PASSWORD)
    # then the user is in
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_locked_username_is_locked_from_every_address(client, staff):
    # given failures for one username, each from another address
    for n in range(LIMIT):
        log_in(client, "/login/", staff.username, "wrong-password", f"10.0.1.{n}")
    # when the right password comes from a fresh address
    response = log_in(client, "/login/", staff.username, PASSWORD, "10.0.2.1")
    # then it is still refused
    assert response.status_code == 429
    assert not logged_in(client)


def test_one_address_trying_many_usernames_is_locked_for_all_of_them(client, staff):
    # given failures from one address, each for another username
    for n in range(LIMIT):
        log_in(client, "/login/", f"guess{n}", "wrong-password", "10.0.3.3")
    # when a real user logs in from that address
    refused = log_in(client, "/login/", staff.username, PASSWORD, "10.0.3.3")
    # then it is refused there, and works from another address
    assert refused.status_code == 429
    assert not logged_in(client)
    allowed = log_in(client, "/login/", staff.username, PASSWORD, "10.0.3.4")
    assert allowed.status_code == 302


def test_trying_during_the_lock_out_does_not_push_the_time_back(client, staff):
    # given a lock-out and its time to try again
    fail(client, "/login/", staff.username, LIMIT)
    first = AccessAttempt.objects.get()
    # when more tries come during the lock-out
    fail(client, "/login/", staff.username, 3)
    # then they are not counted and the time stays
    again = AccessAttempt.objects.get()
    assert (again.failures_since_start, again.attempt_time) == (LIMIT, first.attempt_time)


def test_the_admin_lock_out_page_in_english_has_the_admins_look(client, staff):
    # given a locked-out username on the admin's login, read in English
    fail(client, "/admin/login/", staff.username, LIMIT)
    # when the right password follows
    response = log_in(client, "/admin/login/", staff.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    # then the page says when to try again, in English, inside the admin's layout
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    retry = r"You can try again at <strong>[\d-]+ [\d:]+</strong>, in about 15 minutes\."
    assert re.search(retry, page)
    assert 'id="site-name"' in page
    assert f'href="{reverse("admin:login")}"' in page


def test_limit_and_cool_off_come_from_the_environment():
    # given the limits set in the environment
    env = {"PATH": os.environ["PATH"], "AXES_FAILURE_LIMIT": "3", "AXES_COOLOFF_MINUTES": "40"}
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='cixi_portal.settings.base';"
        "from django.conf import settings;"
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())"
    )
    # when the settings are read
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    # then they are the ones given
    assert result.stdout.split() == ["3", "2400.0"], result.stderr


# Client address behind a reverse proxy ---------------------------------------------------------


def test_the_address_is_remote_addr_and_a_forwarded_header_is_ignored_by_default():
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip_address(request) == "10.9.9.9"


@pytest.mark.parametrize(
    "forwarded, proxies, expected",
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),  # the left entry is the client's own claim
        ("6.6.6.6, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),
        ("203.0.113.7", 2, "10.9.9.9"),  # too short: not written by both proxies
        ("", 1, "10.9.9.9"),
    ],
)
def test_a_trusted_proxy_header_gives_the_address_its_proxies_wrote(forwarded, proxies, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(CLIENT_IP_HEADER="X-Forwarded-For", CLIENT_IP_PROXY_COUNT=proxies):
        assert client_ip_address(request) == expected


def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(client, staff):
    # given every request arriving from the proxy's address, with the client's in the header
    with override_settings(CLIENT_IP_HEADER="X-Forwarded-For"):
        for n in range(LIMIT):
            log_in(
                client,
                "/login/",
                f"guess{n}",
                "wrong-password",
                "10.0.0.254",
                HTTP_X_FORWARDED_FOR="198.51.100.1",
            )
        # when another client logs in through the same proxy
        other = log_in(
            client,
            "/login/",
            staff.username,
            PASSWORD,
            "10.0.0.254",
            HTTP_X_FORWARDED_FOR="198.51.100.2",
        )
    # then only the guessing client was locked out
    assert other.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}


# Password rules --------------------------------------------------------------------------------


def test_django_password_validators_are_on():
    names = [entry["NAME"].rsplit(".", 1)[-1] for entry in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


def test_a_weak_password_is_refused_when_an_administrator_sets_it(staff):
    # given the admin's set-password form
    form = AdminPasswordChangeForm(staff, {"password1": "12345678", "password2": "12345678"})
    # when a common, all-digit password is entered
    valid = form.is_valid()
    # then it is refused with the validators' reasons
    assert not valid
    codes = {error.code for error in form.errors.as_data()["password2"]}
    assert {"password_too_common", "password_entirely_numeric"} <= codes
    with pytest.raises(ValidationError):
        validate_password("staff_a1", user=staff)
    validate_password("盐仓-社区-2025-复核", user=staff)  # a strong one passes


# Idle sessions ---------------------------------------------------------------------------------


def test_sessions_end_after_two_idle_hours_by_default():
    assert settings.SESSION_IDLE_SECONDS == settings.SESSION_COOKIE_AGE == 2 * 60 * 60


def at(moment):
    """Run the portal as if the clock read this moment."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_an_idle_session_is_sent_to_the_login_page(client, staff):
    # given a signed-in user
    start = timezone.now()
    client.force_login(staff)
    assert client.get("/").status_code == 200
    # when the next request comes after more than the idle time
    with at(start + timedelta(seconds=settings.SESSION_IDLE_SECONDS + 1)):
        response = client.get("/")
    # then it is sent to the login page
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_active_session_is_extended(client, staff):
    # given a signed-in user who comes back after half an hour
    start = timezone.now()
    client.force_login(staff)
    with at(start + timedelta(minutes=30)):
        assert client.get("/").status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # then the session now runs for the idle time from that request
    expected = start + timedelta(minutes=30, seconds=settings.SESSION_IDLE_SECONDS)
    assert abs(session.expire_date - expected) < timedelta(seconds=5)
    # and is still valid past the idle time counted from the login
    with at(start + timedelta(minutes=30 + 110)):
        assert client.get("/").status_code == 200


def test_requests_within_a_minute_do_not_rewrite_the_session(client, staff):
    # given a user who has just signed in
    client.force_login(staff)
    client.get("/")
    before = Session.objects.get().expire_date
    # when another request follows at once
    client.get("/")
    # then the session row is left as it was
    assert Session.objects.get().expire_date == before


# Content-Security-Policy and HSTS --------------------------------------------------------------


def production_settings(monkeypatch) -> dict:
    """The production settings module's values, loaded with the secrets it demands."""
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    module = importlib.reload(importlib.import_module("cixi_portal.settings.production"))
    names = (
        "MIDDLEWARE",
        "CONTENT_SECURITY_POLICY",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    )
    return {name: getattr(module, name) for name in names}


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_production_sends_the_content_security_policy_and_a_year_of_hsts(
    client, staff, monkeypatch
):
    # given the production settings
    with override_settings(**production_settings(monkeypatch)):
        client.force_login(staff)
        # when a page and the login page are fetched over HTTPS
        home = client.get("/", secure=True)
        login = client.get("/login/", secure=True)
    # then both carry the policy and HSTS for a year with subdomains, without preload
    assert home.status_code == login.status_code == 200
    assert policy_of(home) == policy_of(login) == EXPECTED_POLICY
    assert home["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_policy_is_the_same_in_the_tests_and_in_development(client, db):
    # given the test settings (which share the development settings' policy)
    # when the login page is fetched
    response = client.get("/login/")
    # then it carries the production policy
    assert policy_of(response) == EXPECTED_POLICY


def test_the_lock_out_page_carries_the_policy_too(client, staff):
    response = fail(client, "/login/", staff.username, LIMIT)
    assert response.status_code == 429
    assert policy_of(response) == EXPECTED_POLICY


def test_the_api_answers_json_even_to_a_browser(client, staff):
    # the browsable API's pages are made of inline styles, so the API speaks JSON only
    client.force_login(staff)
    response = client.get("/api/communities/", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_check_deploy_under_the_production_settings_prints_no_warning():
    # given the production settings with a long random secret and a host
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "cixi_portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "portal.cixi.example",
    }
    # when the deployment checks run
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then they pass without a single warning
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper(), output
    assert "System check identified no issues" in output
