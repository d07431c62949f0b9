"""Requests larger than the upload limit are refused before their body is read."""

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import get_language


def request_too_large_response() -> HttpResponse:
    """The short 413 page, in the language of the request."""
    html = render_to_string(
        "communities/request_too_large.html",
        {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES), "language": get_language()},
    )
    return HttpResponse(html, status=413)


class RequestSizeLimitMiddleware:
    """Answer 413 to a request that declares a body larger than ``UPLOAD_MAX_BYTES``.

    The declared length is all that needs checking: Django reads no more of a body than its
    Content-Length (WSGIRequest caps the input stream at it), and reads nothing of a body sent
    without one (chunked), so no byte beyond the limit is ever read, buffered or spooled.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # as Django reads it: an unreadable length is no body
        if declared > settings.UPLOAD_MAX_BYTES:
            return request_too_large_response()
        return self.get_response(request)
