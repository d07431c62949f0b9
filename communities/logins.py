"""Login throttling glue for django-axes: who the client is, and the page a locked-out user sees."""

import math
from datetime import datetime, timedelta

from axes.helpers import (
    get_client_parameters,
    get_client_user_agent,
    get_client_username,
    get_cool_off,
    get_failure_limit,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry the trusted proxies wrote in their header."""
    header = settings.CLIENT_IP_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        entries = [entry.strip() for entry in request.META.get(key, "").split(",")]
        entries = [entry for entry in entries if entry]
        count = max(settings.CLIENT_IP_PROXY_COUNT, 1)
        # Entries left of the ones our proxies appended were written by the client and can be
        # forged; a header shorter than that did not come through our proxies.
        if len(entries) >= count:
            return entries[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_ends_at(request: HttpRequest, credentials: dict | None = None) -> datetime:
    """When the lock on this request's username or address lifts, whichever lifts last."""
    now = timezone.now()
    cool_off = get_cool_off(request) or timedelta(0)
    limit = get_failure_limit(request, credentials)
    filters = get_client_parameters(
        get_client_username(request, credentials),
        client_ip_address(request),
        get_client_user_agent(request),
        request,
        credentials,
    )
    ends = now
    for filter_kwargs in filters:
        # Newest first: the lock lifts when the row that brought the count to the limit, and
        # every older one, have left the cool-off window.
        rows = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off, **filter_kwargs)
        failures = 0
        for attempt_time, count in rows.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            failures += count
            if failures >= limit:
                ends = max(ends, attempt_time + cool_off)
                break
    return ends if ends > now else now + cool_off


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """The lock-out page (HTTP 429), in the admin's look for the admin's login."""
    ends = lockout_ends_at(request, credentials)
    seconds = max((ends - timezone.now()).total_seconds(), 0)
    context = {
        "retry_at": ends,
        "minutes_left": max(math.ceil(seconds / 60), 1),
        "failure_limit": get_failure_limit(request, credentials),
    }
    admin_login = reverse("admin:login")
    if request.path.startswith(admin_login):
        context.update(admin.site.each_context(request), login_url=admin_login)
        template = "admin/locked_out.html"
    else:
        context["login_url"] = reverse(settings.LOGIN_URL)
        template = "registration/locked_out.html"
    response = render(request, template, context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(math.ceil(seconds))
    return response
