# gunicorn settings for consult: gunicorn -c /opt/consult/deploy/gunicorn.conf.py consult.wsgi:app
# Sync workers: each request holds one worker; size by cores (2 per core is a good start on
# PostgreSQL, 2 in all on SQLite, whose writers queue on one lock).
import multiprocessing
import os

bind = os.environ.get("CONSULT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CONSULT_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = 60  # exports of large consultations stream; nginx waits as long
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then (memory of long exports)
max_requests_jitter = 500
accesslog = "-"  # to the journal
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"  # nginx on the same host sets X-Forwarded-*
