"""gunicorn.conf.py: a worker freezes what is alive after start-up and after its first requests."""
import gc
import importlib.util
from pathlib import Path
from types import SimpleNamespace


def test_the_worker_freezes_its_long_lived_objects():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", Path(__file__).parent.parent / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    gc.unfreeze()
    try:
        worker = SimpleNamespace()
        conf.post_worker_init(worker)
        after_start = gc.get_freeze_count()
        assert after_start > 1000
        kept = [[] for _ in range(5000)]  # what the first requests leave alive: caches (lists are tracked)
        gc.collect()
        for _ in range(conf.FREEZE_AFTER - 1):
            conf.post_request(worker, None, {}, None)
        assert gc.get_freeze_count() == after_start
        conf.post_request(worker, None, {}, None)
        assert gc.get_freeze_count() >= after_start + len(kept) - 1000
    finally:
        gc.unfreeze()
