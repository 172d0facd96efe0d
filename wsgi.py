"""gunicorn wsgi:app"""
from ekinerja import create_app

app = create_app()
