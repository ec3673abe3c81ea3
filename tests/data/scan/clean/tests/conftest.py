import pytest

from notes import create_app


@pytest.fixture
def app():
    app = create_app("testing")
    app.config.update(SECRET_KEY="test", DEBUG=True, SESSION_COOKIE_SECURE=False)
    app.secret_key = "test"
    yield app


@pytest.fixture
def client(app):
    return app.test_client()
