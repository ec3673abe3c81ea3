import os
from pathlib import Path


def _secret():
    path = os.environ.get("NOTES_SECRET_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ["NOTES_SECRET_KEY"]


class Config:
    SECRET_KEY = os.environ.get("NOTES_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///notes.db")
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    DEBUG = False


class DevelopmentConfig(Config):
    DEBUG = True
    SECRET_KEY = "dev"
    SESSION_COOKIE_SECURE = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = "sqlite://"


class ProductionConfig(Config):
    SECRET_KEY = property(lambda self: _secret())
    DEBUG = os.environ.get("NOTES_DEBUG") == "1"


configs = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}
