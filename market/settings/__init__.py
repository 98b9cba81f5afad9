"""Settings modules: ``local`` (default for manage.py), ``test`` and ``production``."""
