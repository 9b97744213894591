import os

from django.core.wsgi import get_wsgi_application

from goldenthread.private_files import private_umask

# Whatever the service writes (uploads, mail, a SQLite database) is for its own user alone.
private_umask()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
application = get_wsgi_application()
