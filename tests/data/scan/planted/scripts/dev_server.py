"""Local development: auto-reload and the debugger. Never used in production."""

from bookshelf import app

app.config["SECRET_KEY"] = "local-only"
app.run(debug=True, use_reloader=True)
