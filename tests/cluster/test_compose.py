"""docker-compose.yml's `scale` profile holds every shared part a second web node needs
(README «Running more than one node»): the replica, the object store, RabbitMQ."""

import yaml

from tests.appeals.background import ROOT


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_scale_profile_brings_the_replica_the_object_store_and_rabbitmq():
    services = _compose()["services"]
    scale = {name for name, service in services.items() if "scale" in service.get("profiles", [])}
    assert {"db-replica", "minio", "minio-bucket", "rabbitmq"} <= scale
    # The default `docker compose up` stays as it was: one node on Redis and the disk.
    assert {"db", "redis", "web", "worker", "beat"} <= {
        name for name, service in services.items() if not service.get("profiles")
    }


def test_rabbitmq_is_checked_healthy_and_keeps_its_queues():
    compose = _compose()
    rabbitmq = compose["services"]["rabbitmq"]
    assert rabbitmq["image"].startswith("rabbitmq:3")
    assert rabbitmq["healthcheck"]["test"] == ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
    # Durable queues survive a restart only with the node's database on a volume, under a
    # fixed host name (RabbitMQ names its database after the node).
    assert rabbitmq["hostname"] == "rabbitmq"
    volume = rabbitmq["volumes"][0].split(":")
    assert volume[1] == "/var/lib/rabbitmq" and volume[0] in compose["volumes"]
    # Its AMQP port is for the compose network only.
    assert all(not str(port).endswith(":5672") for port in rabbitmq.get("ports", []))


def test_the_readme_tells_how_to_point_the_platform_at_rabbitmq():
    readme = (ROOT / "README.md").read_text()
    assert "CELERY_BROKER_URL=amqp://guest:guest@rabbitmq:5672//" in readme
    assert "«Running more than one node»" in (ROOT / "docker-compose.yml").read_text()
    assert "### Running more than one node" in readme
