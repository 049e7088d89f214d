"""The HTTP API: one blueprint per resource."""

from flask import Flask
from flask_smorest import Api

from service.api import delivery


def register_blueprints(app: Flask, api: Api) -> None:
    api.register_blueprint(delivery.blp)
