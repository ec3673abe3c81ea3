import json


def test_feed(client):
    assert json.loads(client.get("/feed.json").data) == []


def test_redirect(client):
    assert client.get("/search").headers["Location"].endswith("/")
