"""ASGI entry point (optional; production runs gunicorn with otwarta.wsgi, see docs/deployment.md).

The portal is synchronous Django: an ASGI server gains nothing for ordinary pages, but some hosting
platforms only speak ASGI. Any ASGI server works, none is pinned in requirements.txt:

    pip install uvicorn   &&  uvicorn otwarta.asgi:application --host 0.0.0.0 --port 8000 --workers 4
    pip install granian   &&  granian --interface asgi otwarta.asgi:application --port 8000 --workers 4

Put the same reverse proxy in front (deploy/nginx/otwarta.conf) and keep its access log free of query
strings (uvicorn: ``--no-access-log``, nginx logs the path).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otwarta.settings")
application = get_asgi_application()
