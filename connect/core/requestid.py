"""A request id on every request: in the response's ``X-Request-ID`` header and
in every log line written while the request is handled (JSON logs in
production, see ``LOGGING`` in settings).

A well-formed id sent by the proxy in front (``X-Request-ID``) is kept, so one
id follows the request from the load balancer to the site's logs; otherwise a
new one is made. One line per request is logged on ``connect.request``.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"
log = logging.getLogger("connect.request")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if WELL_FORMED.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            if log.isEnabledFor(logging.INFO):
                user = getattr(request, "user", None)
                log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                    },
                )
            return response
        finally:
            request_id_var.reset(token)
