"""A middleware for load measurements only: the number of SQL queries a request ran goes into
an ``X-Query-Count`` header. cixi_portal.settings.bench puts it first when QUERY_COUNT=1."""

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
