"""The central server: FastAPI on uvicorn, peewee on SQLite or PostgreSQL."""
