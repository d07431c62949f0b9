"""Project package: settings, URLs and the Celery app of the Cixi community facilities portal."""

from .celery import app as celery_app

__all__ = ["celery_app"]
