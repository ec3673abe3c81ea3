from flask import Flask

app = Flask(__name__)
app.secret_key = "only used to render the changelog"
