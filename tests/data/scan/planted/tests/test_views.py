import json


def test_books_json(client):
    response = client.get("/books/1.json")
    assert json.loads(response.data)["id"] == 1


def test_redirect(client):
    assert client.get("/").headers["Location"] == "/books"
