"""The whole kiosk schema: every model module, so that Base.metadata holds every table (Alembic's
env and the migration check read it from here)."""

from kiosk.db import models, search_models, usage_models
from kiosk.db.base import Base

MODEL_MODULES = (models, search_models, usage_models)
metadata = Base.metadata
