import pytest

from bookshelf import app as flask_app


@pytest.fixture
def app():
    flask_app.config.update(TESTING=True, SECRET_KEY="test", SESSION_COOKIE_SECURE=False)
    flask_app.debug = True
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def client(app):
    return app.test_client()
