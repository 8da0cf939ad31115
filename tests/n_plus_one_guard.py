"""The test suite's N+1 guard: django-zeal around every page the test client reads."""

from zeal import zeal_context

PAGE_READS = {"GET", "HEAD"}


def _is_admin_delete_confirmation(request) -> bool:
    """The admin's delete confirmation lists every object a delete would take with it, each
    by its ``__str__``, through Django's deletion collector: it reads related rows one by
    one by design, on a page of the admin alone, never of a role's daily work."""
    return request.path.startswith("/admin/") and request.path.endswith("/delete/")


def guard_page_reads(get_response):
    """Runs each GET and HEAD in a zeal context, which raises ``zeal.NPlusOneError`` when
    one line loads a relation (or calls ``.get()``) for a second object of a kind.

    Writes are left out: a model formset validates each row with its own ``.get()``, and
    actions lock or get-or-create row by row on purpose, in a transaction the person waits
    on once; the page the write redirects to is a GET and is guarded."""

    def middleware(request):
        if request.method not in PAGE_READS or _is_admin_delete_confirmation(request):
            return get_response(request)
        with zeal_context():
            return get_response(request)

    return middleware
