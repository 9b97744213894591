import os

from django.core.asgi import get_asgi_application

from goldenthread.private_files import private_umask

# Whatever the service writes (uploads, mail, a SQLite database) is for its own user alone.
private_umask()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
application = get_asgi_application()
