"""Running the service in production: nginx (nginx.py) in front of
granian (web.py); see the README, "Deployment"."""
