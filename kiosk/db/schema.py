"""The whole kiosk schema: every model module, so that Base.metadata holds every table (Alembic's
env and the migration check read it from here)."""

from kiosk.db import closure_models, models, search_models, usage_models
from kiosk.db.base import Base

MODEL_MODULES = (models, search_models, usage_models, closure_models)
metadata = Base.metadata
