"""Gunicorn settings for the web process (the Procfile's ``web``; the systemd
unit in ``docs/deploy/``). Why Gunicorn with Uvicorn workers:
``docs/decisions/0040-web-server.md``.

Environment: ``PORT`` (8000; honcho sets it), ``CONNECT_BIND`` (overrides the
whole address, e.g. ``unix:/run/connect/web.sock``), ``WEB_CONCURRENCY``
(worker processes, default 2: one per core on the reference machine).
"""

import os

bind = os.environ.get("CONNECT_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# One process serves pages and the chat's WebSockets (ASGI); sync views run in
# its thread pool, each process taking PostgreSQL connections from its own pool.
worker_class = "connect.core.asgi_worker.ConnectUvicornWorker"
# A worker that stops answering for this long is replaced (the WebSockets it held reconnect).
timeout = 60
graceful_timeout = 20
keepalive = 5
# Request lines are logged by the site itself, as JSON with the request id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("CONNECT_LOG_LEVEL", "INFO").lower()
# Headers from the proxy in front (X-Forwarded-Proto …) are trusted from loopback only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
