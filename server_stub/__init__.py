"""The central service: FastAPI on uvicorn, SQLite by default."""

from domain.version import version

__version__ = version()
