"""Production entry point: ``gunicorn consult.wsgi:app`` (run `consult scheduler` beside it)."""

from consult import create_app

app = create_app()
