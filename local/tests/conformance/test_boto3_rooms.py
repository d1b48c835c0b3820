"""CreateRoom, GetRoom, UpdateRoom and DeleteRoom through boto3."""

from __future__ import annotations

import time

import pytest

from support import (
    ACCOUNT_ID,
    LAMBDA_ARN,
    OTHER_LAMBDA_ARN,
    OTHER_REGION,
    REGION,
    arn_id,
    assert_recent,
    assert_status,
    body,
    expect_error,
    expect_validation,
    room_arn_re,
    tags_of_size,
    unique_name,
    unknown_lc_arn,
    unknown_room_arn,
)


# --------------------------------------------------------------------------
# CreateRoom: success
# --------------------------------------------------------------------------


def test_create_room_without_arguments_returns_room_with_documented_defaults(client):
    resp = client.create_room()
    assert_status(resp, 200)
    m = room_arn_re().match(resp["arn"])
    assert m, f"room ARN {resp['arn']!r} is not arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:room/<12 alnum>"
    assert resp["id"] == m.group(1)
    assert resp["maximumMessageRatePerSecond"] == 10
    assert resp["maximumMessageLength"] == 500
    assert resp.get("name", "") == ""
    assert resp.get("tags", {}) == {}
    assert resp.get("loggingConfigurationIdentifiers", []) == []
    assert_recent(resp["createTime"])
    assert_recent(resp["updateTime"])
    assert resp["createTime"] <= resp["updateTime"]


def test_create_room_echoes_every_supplied_member(client, logging_configuration):
    name = unique_name("echo")
    resp = client.create_room(
        name=name,
        maximumMessageRatePerSecond=42,
        maximumMessageLength=123,
        messageReviewHandler={"uri": LAMBDA_ARN, "fallbackResult": "DENY"},
        tags={"team": "chat", "env": "dev"},
        loggingConfigurationIdentifiers=[logging_configuration["arn"]],
    )
    assert resp["name"] == name
    assert resp["maximumMessageRatePerSecond"] == 42
    assert resp["maximumMessageLength"] == 123
    assert resp["messageReviewHandler"] == {"uri": LAMBDA_ARN, "fallbackResult": "DENY"}
    assert resp["tags"] == {"team": "chat", "env": "dev"}
    assert resp["loggingConfigurationIdentifiers"] == [logging_configuration["arn"]]


def test_create_room_defaults_review_handler_fallback_to_allow(client):
    resp = client.create_room(messageReviewHandler={"uri": LAMBDA_ARN})
    assert resp["messageReviewHandler"] == {"uri": LAMBDA_ARN, "fallbackResult": "ALLOW"}


def test_create_room_mints_distinct_ids(client):
    ids = {client.create_room()["id"] for _ in range(5)}
    assert len(ids) == 5


def test_create_room_allows_duplicate_names(client):
    name = unique_name("dup")
    a = client.create_room(name=name)
    b = client.create_room(name=name)
    assert a["id"] != b["id"]
    assert a["name"] == b["name"] == name


@pytest.mark.parametrize(
    "params",
    [
        {"name": "a" * 128},
        {"name": "Az09-_"},
        {"name": ""},
        {"maximumMessageRatePerSecond": 1},
        {"maximumMessageRatePerSecond": 100},
        {"maximumMessageLength": 1},
        {"maximumMessageLength": 500},
        {"tags": tags_of_size(50)},
        {"tags": {"k" * 128: "v" * 256}},
        {"tags": {"empty-value": ""}},
        {"messageReviewHandler": {"uri": ""}},
    ],
    ids=lambda p: ",".join(f"{k}={str(v)[:24]}" for k, v in p.items()),
)
def test_create_room_accepts_boundary_values(client, params):
    resp = client.create_room(**params)
    for key, value in params.items():
        if key == "messageReviewHandler":
            continue
        assert resp[key] == value


def test_create_room_accepts_three_logging_configurations(client):
    arns = [
        client.create_logging_configuration(
            destinationConfiguration={"s3": {"bucketName": f"bucket-{i}"}}
        )["arn"]
        for i in range(3)
    ]
    resp = client.create_room(loggingConfigurationIdentifiers=arns)
    assert sorted(resp["loggingConfigurationIdentifiers"]) == sorted(arns)


# --------------------------------------------------------------------------
# CreateRoom: validation (values botocore lets through; the server must refuse)
# --------------------------------------------------------------------------

LONG_LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:" + "f" * 200


@pytest.mark.parametrize(
    "params, field",
    [
        ({"name": "a" * 129}, "name"),
        ({"name": "has space"}, "name"),
        ({"name": "bang!"}, "name"),
        ({"name": "dot.ted"}, "name"),
        ({"maximumMessageRatePerSecond": 101}, "maximumMessageRatePerSecond"),
        ({"maximumMessageLength": 501}, "maximumMessageLength"),
        ({"messageReviewHandler": {"uri": "not-a-lambda-arn"}}, "messageReviewHandler.uri"),
        ({"messageReviewHandler": {"uri": "arn:aws:s3:::bucket"}}, "messageReviewHandler.uri"),
        ({"messageReviewHandler": {"uri": LONG_LAMBDA[:171]}}, "messageReviewHandler.uri"),
        ({"messageReviewHandler": {"uri": f"arn:aws:lambda:{REGION}:1234:function:x"}}, "messageReviewHandler.uri"),
        ({"messageReviewHandler": {"uri": "x" + LAMBDA_ARN}}, "messageReviewHandler.uri"),
        # The function must be in the room's account and region (Chat User Guide).
        ({"messageReviewHandler": {"uri": f"arn:aws:lambda:{OTHER_REGION}:{ACCOUNT_ID}:function:x"}}, "messageReviewHandler.uri"),
        ({"messageReviewHandler": {"uri": f"arn:aws:lambda:{REGION}:210987654321:function:x"}}, "messageReviewHandler.uri"),
        (
            {"messageReviewHandler": {"uri": LAMBDA_ARN, "fallbackResult": "MAYBE"}},
            "messageReviewHandler.fallbackResult",
        ),
        ({"tags": tags_of_size(51)}, "tags"),
        ({"tags": {"k" * 129: "v"}}, "tags"),
        ({"tags": {"k": "v" * 257}}, "tags"),
        ({"tags": {"aws:reserved": "v"}}, "tags"),
        ({"tags": {"bang!key": "v"}}, "tags"),
        ({"loggingConfigurationIdentifiers": ["not-an-arn"]}, "loggingConfigurationIdentifiers"),
        (
            {"loggingConfigurationIdentifiers": [f"arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:room/abcdefghijkl"]},
            "loggingConfigurationIdentifiers",
        ),
    ],
    ids=[
        "name-129",
        "name-space",
        "name-bang",
        "name-dot",
        "rate-101",
        "length-501",
        "uri-not-arn",
        "uri-not-lambda",
        "uri-171",
        "uri-short-account",
        "uri-prefixed",
        "uri-other-region",
        "uri-other-account",
        "fallback-enum",
        "tags-51",
        "tag-key-129",
        "tag-value-257",
        "tag-key-aws-prefix",
        "tag-key-bang",
        "lc-not-arn",
        "lc-room-arn",
    ],
)
def test_create_room_rejects_out_of_contract_value(client, params, field):
    expect_validation(client, field, "create_room", **params)


def test_create_room_rejects_four_logging_configurations(client):
    arns = [
        client.create_logging_configuration(
            destinationConfiguration={"s3": {"bucketName": f"four-{i}"}}
        )["arn"]
        for i in range(4)
    ]
    expect_validation(
        client, "loggingConfigurationIdentifiers", "create_room", loggingConfigurationIdentifiers=arns
    )


def test_create_room_validation_names_every_bad_field(client):
    resp = expect_validation(
        client,
        ["name", "maximumMessageLength", "maximumMessageRatePerSecond"],
        "create_room",
        name="bad name",
        maximumMessageLength=501,
        maximumMessageRatePerSecond=101,
    )
    assert len(resp["fieldList"]) == 3


def test_create_room_validation_failure_creates_nothing(fresh_server, make_client):
    c = make_client(fresh_server.endpoint)
    expect_validation(c, "maximumMessageLength", "create_room", name="ghost", maximumMessageLength=501)
    assert c.list_rooms()["rooms"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"maximumMessageRatePerSecond": 0}, "maximumMessageRatePerSecond"),
        ({"maximumMessageLength": 0}, "maximumMessageLength"),
        ({"maximumMessageRatePerSecond": -5}, "maximumMessageRatePerSecond"),
    ],
    ids=["rate-0", "length-0", "rate-negative"],
)
def test_create_room_rejects_below_minimum_values_sent_past_client_validation(raw_client, params, field):
    expect_validation(raw_client, field, "create_room", **params)


def test_create_room_with_unknown_logging_configuration_is_resource_not_found(client):
    arn = unknown_lc_arn()
    resp = expect_error(
        client, "ResourceNotFoundException", "create_room", loggingConfigurationIdentifiers=[arn]
    )
    assert resp["resourceId"] == arn_id(arn)


# --------------------------------------------------------------------------
# GetRoom
# --------------------------------------------------------------------------


def test_get_room_returns_what_create_room_returned(client, logging_configuration):
    created = client.create_room(
        name=unique_name("get"),
        maximumMessageRatePerSecond=7,
        maximumMessageLength=77,
        messageReviewHandler={"uri": LAMBDA_ARN, "fallbackResult": "DENY"},
        tags={"a": "b"},
        loggingConfigurationIdentifiers=[logging_configuration["arn"]],
    )
    got = client.get_room(identifier=created["arn"])
    assert_status(got, 200)
    assert body(got) == body(created)


def test_get_room_of_unknown_room_is_resource_not_found_with_room_id(client):
    arn = unknown_room_arn()
    resp = expect_error(client, "ResourceNotFoundException", "get_room", identifier=arn)
    assert resp["resourceId"] == arn_id(arn)
    assert resp["resourceType"] == "ROOM"


@pytest.mark.parametrize(
    "identifier",
    [
        "not-an-arn",
        "abcdefghijkl",
        f"arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:logging-configuration/abcdefghijkl",
        f"arn:aws:ivs:{REGION}:{ACCOUNT_ID}:channel/abcdefghijkl",
        f"arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:room/" + "a" * 100,
        f"arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:room/abc_defghijk",
    ],
    ids=["free-text", "bare-id", "lc-arn", "ivs-channel-arn", "longer-than-128", "bad-id-chars"],
)
def test_get_room_rejects_malformed_identifier(client, identifier):
    expect_validation(client, "identifier", "get_room", identifier=identifier)


def test_get_room_requires_identifier_server_side(raw_client):
    expect_validation(raw_client, "identifier", "get_room")


# --------------------------------------------------------------------------
# UpdateRoom
# --------------------------------------------------------------------------


def test_update_room_changes_only_supplied_fields(client, logging_configuration):
    created = client.create_room(
        name="before",
        maximumMessageRatePerSecond=20,
        maximumMessageLength=200,
        messageReviewHandler={"uri": LAMBDA_ARN, "fallbackResult": "DENY"},
        tags={"keep": "me"},
        loggingConfigurationIdentifiers=[logging_configuration["arn"]],
    )
    time.sleep(0.02)
    updated = client.update_room(identifier=created["arn"], maximumMessageLength=321)
    assert_status(updated, 200)
    assert updated["maximumMessageLength"] == 321
    for unchanged in (
        "arn",
        "id",
        "name",
        "createTime",
        "maximumMessageRatePerSecond",
        "messageReviewHandler",
        "tags",
        "loggingConfigurationIdentifiers",
    ):
        assert updated[unchanged] == created[unchanged], unchanged
    assert updated["updateTime"] > created["updateTime"]
    assert body(client.get_room(identifier=created["arn"])) == body(updated)


def test_update_room_sets_every_mutable_field(client):
    created = client.create_room()
    lc = client.create_logging_configuration(
        destinationConfiguration={"firehose": {"deliveryStreamName": "stream"}}
    )
    updated = client.update_room(
        identifier=created["arn"],
        name="after",
        maximumMessageRatePerSecond=100,
        maximumMessageLength=1,
        messageReviewHandler={"uri": OTHER_LAMBDA_ARN, "fallbackResult": "DENY"},
        loggingConfigurationIdentifiers=[lc["arn"]],
    )
    assert updated["name"] == "after"
    assert updated["maximumMessageRatePerSecond"] == 100
    assert updated["maximumMessageLength"] == 1
    assert updated["messageReviewHandler"] == {"uri": OTHER_LAMBDA_ARN, "fallbackResult": "DENY"}
    assert updated["loggingConfigurationIdentifiers"] == [lc["arn"]]


def test_update_room_logging_configuration_list_replaces_the_previous_list(client):
    a, b, c = (
        client.create_logging_configuration(
            destinationConfiguration={"cloudWatchLogs": {"logGroupName": f"/ivs/chat/{i}"}}
        )["arn"]
        for i in range(3)
    )
    created = client.create_room(loggingConfigurationIdentifiers=[a, b])
    replaced = client.update_room(identifier=created["arn"], loggingConfigurationIdentifiers=[c])
    assert replaced["loggingConfigurationIdentifiers"] == [c]
    cleared = client.update_room(identifier=created["arn"], loggingConfigurationIdentifiers=[])
    assert cleared.get("loggingConfigurationIdentifiers", []) == []
    assert client.get_room(identifier=created["arn"]).get("loggingConfigurationIdentifiers", []) == []


def test_update_room_with_empty_handler_uri_detaches_the_handler(client):
    created = client.create_room(messageReviewHandler={"uri": LAMBDA_ARN})
    updated = client.update_room(identifier=created["arn"], messageReviewHandler={"uri": ""})
    assert updated.get("messageReviewHandler", {}).get("uri", "") == ""
    got = client.get_room(identifier=created["arn"])
    assert got.get("messageReviewHandler", {}).get("uri", "") == ""


def test_update_room_does_not_touch_tags(client):
    created = client.create_room(tags={"owner": "alice"})
    updated = client.update_room(identifier=created["arn"], name="renamed")
    assert updated["tags"] == {"owner": "alice"}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"name": "x" * 129}, "name"),
        ({"name": "no/slash"}, "name"),
        ({"maximumMessageRatePerSecond": 101}, "maximumMessageRatePerSecond"),
        ({"maximumMessageLength": 501}, "maximumMessageLength"),
        ({"messageReviewHandler": {"uri": "https://example.com/review"}}, "messageReviewHandler.uri"),
        ({"loggingConfigurationIdentifiers": ["nope"]}, "loggingConfigurationIdentifiers"),
    ],
    ids=["name-129", "name-slash", "rate-101", "length-501", "uri-https", "lc-not-arn"],
)
def test_update_room_rejects_out_of_contract_value(client, room, params, field):
    expect_validation(client, field, "update_room", identifier=room["arn"], **params)
    assert body(client.get_room(identifier=room["arn"])) == body(room), "a rejected update changed the room"


def test_update_room_rejects_four_logging_configurations(client, room):
    arns = [
        client.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": f"upd-{i}"}})["arn"]
        for i in range(4)
    ]
    expect_validation(
        client, "loggingConfigurationIdentifiers", "update_room", identifier=room["arn"], loggingConfigurationIdentifiers=arns
    )


def test_update_room_of_unknown_room_is_resource_not_found(client):
    arn = unknown_room_arn()
    resp = expect_error(client, "ResourceNotFoundException", "update_room", identifier=arn, name="x")
    assert resp["resourceId"] == arn_id(arn)


def test_update_room_with_unknown_logging_configuration_is_resource_not_found(client, room):
    arn = unknown_lc_arn()
    resp = expect_error(
        client,
        "ResourceNotFoundException",
        "update_room",
        identifier=room["arn"],
        loggingConfigurationIdentifiers=[arn],
    )
    assert resp["resourceId"] == arn_id(arn)


# --------------------------------------------------------------------------
# DeleteRoom
# --------------------------------------------------------------------------


def test_delete_room_returns_204_and_no_body(client, room):
    resp = client.delete_room(identifier=room["arn"])
    assert_status(resp, 204)
    assert body(resp) == {}


def test_deleted_room_is_gone(client, room):
    client.delete_room(identifier=room["arn"])
    resp = expect_error(client, "ResourceNotFoundException", "get_room", identifier=room["arn"])
    assert resp["resourceId"] == room["id"]
    expect_error(client, "ResourceNotFoundException", "delete_room", identifier=room["arn"])
    expect_error(client, "ResourceNotFoundException", "update_room", identifier=room["arn"], name="x")


def test_delete_room_of_unknown_room_is_resource_not_found(client):
    arn = unknown_room_arn()
    resp = expect_error(client, "ResourceNotFoundException", "delete_room", identifier=arn)
    assert resp["resourceId"] == arn_id(arn)


def test_delete_room_rejects_malformed_identifier(client):
    expect_validation(client, "identifier", "delete_room", identifier="room/abcdefghijkl")
