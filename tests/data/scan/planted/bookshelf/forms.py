from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextField  # planted: removed-api
from wtforms.validators import DataRequired, Optional


class BookForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired()])
    author = StringField("Author", validators=[DataRequired()])
    year = IntegerField("Year", validators=[Optional()])
    notes = TextField("Notes")
