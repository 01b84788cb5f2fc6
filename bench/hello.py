"""The bare WSGI hello-world the storefront's throughput is compared with.

Served exactly like the shop (gunicorn, same workers and flags), so the ratio measures what Flask,
SQLAlchemy, PostgreSQL and the templates cost on top of the server itself.
"""


def app(environ, start_response):
    body = b"Hello, world!\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]
