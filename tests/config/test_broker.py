import pytest
from django.conf import settings
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis
from django_q.signing import SignedPackage


@pytest.mark.django_db
def test_the_broker_is_redis_when_configured_and_the_database_otherwise() -> None:
    broker = get_broker()

    expected = Redis if settings.REDIS_URL else ORM
    assert isinstance(broker, expected)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_queued_task_comes_back_out_of_the_broker() -> None:
    broker = get_broker("broker-test")
    broker.purge_queue()

    task = {"id": "t1", "func": "math.floor", "args": (2.5,), "kwargs": {}}
    broker.enqueue(SignedPackage.dumps(task))
    received = broker.dequeue()

    assert received is not None
    [(task_id, package)] = received
    assert SignedPackage.loads(package) == task
    broker.acknowledge(task_id)
    broker.purge_queue()
    assert broker.queue_size() == 0
