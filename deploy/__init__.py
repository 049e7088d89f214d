"""Running the service in production: nginx in front of gunicorn (see the README, "Deployment")."""
