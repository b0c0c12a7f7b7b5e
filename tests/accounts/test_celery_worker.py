import pytest

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_job_harness_starts_a_real_worker_against_redis(celery_worker):
    from config.celery import app

    replies = app.control.ping(destination=[celery_worker.name], timeout=2.0)
    assert replies and celery_worker.name in replies[0]
    assert app.conf.task_default_queue == celery_worker.queue
    assert app.conf.broker_url.startswith("redis://")
