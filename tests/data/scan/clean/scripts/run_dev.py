"""Development server with the debugger: `python scripts/run_dev.py` on your machine only."""

from notes import create_app

app = create_app("development")
app.config["SECRET_KEY"] = "dev"
app.run(debug=True)
