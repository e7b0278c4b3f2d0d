"""The kiosk's databases: engines, sessions, every model and the Alembic migrations (content,
queue)."""
