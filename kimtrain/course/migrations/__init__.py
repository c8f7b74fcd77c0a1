"""Alembic migrations of kimtrain's own tables in the gradebook database."""
