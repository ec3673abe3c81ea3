"""Start the bookshelf app."""

from bookshelf import app

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)  # planted: debug-enabled
