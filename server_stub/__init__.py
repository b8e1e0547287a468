"""The central service: FastAPI on uvicorn, SQLite by default."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sotay")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
