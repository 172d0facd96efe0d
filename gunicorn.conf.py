"""gunicorn's settings, read from the working directory (its default config file); the command line
(`make run`, bench/run.py, your service unit) still chooses binding and workers.

Garbage collection: a worker holds some 170,000 long-lived objects (the app, its modules, compiled
templates and statements); without this every full collection walks them all, and a request that
happens to trigger one takes 100 ms more (bench/README.md). `gc.freeze()` moves what is alive
after start-up, and again once the first requests have filled the caches, out of the collector's
way; the request's own garbage is collected as before.
"""
import gc

FREEZE_AFTER = 100  # requests: templates and statements compiled by then


def post_worker_init(worker):
    gc.collect()
    gc.freeze()


def post_request(worker, req, environ, resp):
    worker.ekinerja_requests = getattr(worker, "ekinerja_requests", 0) + 1
    if worker.ekinerja_requests == FREEZE_AFTER:
        gc.collect()
        gc.freeze()
