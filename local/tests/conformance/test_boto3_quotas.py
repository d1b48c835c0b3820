"""Service quotas
(https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/service-quotas.html): per-operation TPS limits surfacing as
ThrottlingException (429) and resource-count limits surfacing as
ServiceQuotaExceededException (402). Every test runs a private server; the
clients make a single attempt, so a throttled call is not retried."""

from __future__ import annotations

import pytest

from support import OTHER_REGION, assert_status, expect_error


def burst_until_throttled(c, call, max_calls, **params):
    """Call c.<call> back to back until it is throttled. Returns (successes, error response)."""
    successes = 0
    for _ in range(max_calls):
        try:
            getattr(c, call)(**params)
        except c.exceptions.ThrottlingException as e:
            return successes, e.response
        successes += 1
    pytest.fail(f"{max_calls} back-to-back {call} calls were never throttled")


def assert_throttled(resp, limit):
    assert resp["Error"]["Code"] == "ThrottlingException"
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert resp["ResponseMetadata"].get("RequestId")
    assert resp["Error"].get("Message")
    assert resp.get("limit") == limit, f"ThrottlingException limit={resp.get('limit')!r}, expected {limit}"
    # Required by the model's ThrottlingException shape.
    assert resp.get("resourceId") and resp.get("resourceType"), resp


# --------------------------------------------------------------------------
# TPS limits (quotas are on by default)
# --------------------------------------------------------------------------


def test_room_operations_are_throttled_beyond_five_per_second(spawn_server, make_client):
    c = make_client(spawn_server().endpoint)
    successes, resp = burst_until_throttled(c, "list_rooms", 16)
    assert_throttled(resp, 5)
    assert 5 <= successes <= 10


def test_logging_configuration_operations_are_throttled_beyond_three_per_second(spawn_server, make_client):
    c = make_client(spawn_server().endpoint)
    successes, resp = burst_until_throttled(c, "list_logging_configurations", 10)
    assert_throttled(resp, 3)
    assert 3 <= successes <= 6


def test_tag_operations_are_throttled_beyond_ten_per_second(spawn_server, make_client):
    c = make_client(spawn_server().endpoint)
    room = c.create_room()
    successes, resp = burst_until_throttled(c, "list_tags_for_resource", 31, resourceArn=room["arn"])
    assert_throttled(resp, 10)
    assert 10 <= successes <= 20


def test_messaging_operations_are_throttled_at_their_own_higher_limits(spawn_server, make_client):
    # --quota-scale 0.2 scales SendEvent 100 -> 20 and CreateChatToken 200 -> 40 (and
    # CreateRoom 5 -> 1), so each burst lands well inside one second even on a slow machine.
    c = make_client(spawn_server("--quota-scale", "0.2").endpoint)
    room = c.create_room()
    successes, resp = burst_until_throttled(c, "send_event", 61, roomIdentifier=room["arn"], eventName="e")
    assert_throttled(resp, 20)
    assert 20 <= successes <= 40
    successes, resp = burst_until_throttled(c, "create_chat_token", 121, roomIdentifier=room["arn"], userId="u")
    assert_throttled(resp, 40)
    assert 40 <= successes <= 80


def test_quota_scale_multiplies_the_limit(spawn_server, make_client):
    c = make_client(spawn_server("--quota-scale", "2").endpoint)
    successes, resp = burst_until_throttled(c, "list_rooms", 31)
    assert_throttled(resp, 10)
    assert 10 <= successes <= 20


def test_throttling_is_per_operation(spawn_server, make_client):
    c = make_client(spawn_server().endpoint)
    burst_until_throttled(c, "list_rooms", 16)
    assert_status(c.create_room(), 200)
    assert_status(c.list_logging_configurations(), 200)


def test_throttling_is_per_region(spawn_server, make_client):
    srv = spawn_server()
    burst_until_throttled(make_client(srv.endpoint), "list_rooms", 16)
    assert_status(make_client(srv.endpoint, region=OTHER_REGION).list_rooms(), 200)


def test_quotas_off_never_throttles(spawn_server, make_client):
    c = make_client(spawn_server("--quotas", "off").endpoint)
    for _ in range(30):
        assert_status(c.list_rooms(), 200)


def test_quotas_on_explicitly_throttles(spawn_server, make_client):
    c = make_client(spawn_server("--quotas", "on").endpoint)
    _, resp = burst_until_throttled(c, "get_room", 16, identifier=c.create_room()["arn"])
    assert_throttled(resp, 5)


# --------------------------------------------------------------------------
# Resource-count limits
# --------------------------------------------------------------------------


def test_create_room_beyond_max_rooms_is_service_quota_exceeded(spawn_server, make_client):
    c = make_client(spawn_server("--quotas", "off", "--max-rooms", "2").endpoint)
    first = c.create_room()
    c.create_room()
    resp = expect_error(c, "ServiceQuotaExceededException", "create_room", name="third")
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 402
    assert resp["limit"] == 2
    assert len(c.list_rooms()["rooms"]) == 2, "the refused CreateRoom created a room"
    # Deleting a room frees a slot.
    c.delete_room(identifier=first["arn"])
    assert_status(c.create_room(), 200)


def test_create_logging_configuration_beyond_max_is_service_quota_exceeded(spawn_server, make_client):
    c = make_client(spawn_server("--quotas", "off", "--max-logging-configurations", "1").endpoint)
    dest = {"s3": {"bucketName": "quota"}}
    first = c.create_logging_configuration(destinationConfiguration=dest)
    resp = expect_error(c, "ServiceQuotaExceededException", "create_logging_configuration", destinationConfiguration=dest)
    assert resp["limit"] == 1
    assert len(c.list_logging_configurations()["loggingConfigurations"]) == 1
    c.delete_logging_configuration(identifier=first["arn"])
    assert_status(c.create_logging_configuration(destinationConfiguration=dest), 200)


def test_default_logging_configuration_limit_is_ten(spawn_server, make_client):
    c = make_client(spawn_server("--quotas", "off").endpoint)
    dest = {"firehose": {"deliveryStreamName": "s"}}
    for _ in range(10):
        c.create_logging_configuration(destinationConfiguration=dest)
    resp = expect_error(c, "ServiceQuotaExceededException", "create_logging_configuration", destinationConfiguration=dest)
    assert resp["limit"] == 10
