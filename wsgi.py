"""The WSGI entry point the server serves: `python -m deploy.web` (granian, wsgi:app)."""

from service import create_app

app = create_app()
