"""The shared extension objects, created unbound and attached in `create_app`."""

from flask_cors import CORS
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from service.models import Base
from service.openapi import ServiceApi

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
api = ServiceApi()
cors = CORS()
