"""Create/Get/Update/Delete/ListLoggingConfigurations through boto3."""

from __future__ import annotations

import time

import pytest

from support import (
    ACCOUNT_ID,
    REGION,
    arn_id,
    assert_recent,
    assert_status,
    body,
    expect_error,
    expect_validation,
    lc_arn_re,
    tags_of_size,
    unique_name,
    unknown_lc_arn,
)

S3 = {"s3": {"bucketName": "chat-logs.example-1"}}
CWL = {"cloudWatchLogs": {"logGroupName": "/aws/ivs/chat#main_1.x"}}
FIREHOSE = {"firehose": {"deliveryStreamName": "chat_stream.v-1"}}


# --------------------------------------------------------------------------
# CreateLoggingConfiguration
# --------------------------------------------------------------------------


@pytest.mark.parametrize("destination", [S3, CWL, FIREHOSE], ids=["s3", "cloudWatchLogs", "firehose"])
def test_create_logging_configuration_returns_active_configuration(client, destination):
    name = unique_name("lc")
    resp = client.create_logging_configuration(
        name=name, destinationConfiguration=destination, tags={"purpose": "audit"}
    )
    assert_status(resp, 200)
    m = lc_arn_re().match(resp["arn"])
    assert m, (
        f"ARN {resp['arn']!r} is not arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:logging-configuration/<12 alnum>"
    )
    assert resp["id"] == m.group(1)
    assert resp["state"] == "ACTIVE"
    assert resp["name"] == name
    assert resp["destinationConfiguration"] == destination
    assert resp["tags"] == {"purpose": "audit"}
    assert_recent(resp["createTime"])
    assert resp["createTime"] <= resp["updateTime"]


def test_create_logging_configuration_without_name_or_tags(client):
    resp = client.create_logging_configuration(destinationConfiguration=S3)
    assert resp["state"] == "ACTIVE"
    assert resp.get("name", "") == ""
    assert resp.get("tags", {}) == {}


@pytest.mark.parametrize(
    "destination",
    [
        {"s3": {"bucketName": "abc"}},
        {"s3": {"bucketName": "b" * 63}},
        {"cloudWatchLogs": {"logGroupName": "g" * 512}},
        {"firehose": {"deliveryStreamName": "f" * 64}},
    ],
    ids=["bucket-3", "bucket-63", "group-512", "stream-64"],
)
def test_create_logging_configuration_accepts_boundary_destinations(client, destination):
    assert client.create_logging_configuration(destinationConfiguration=destination)[
        "destinationConfiguration"
    ] == destination


@pytest.mark.parametrize(
    "params, field",
    [
        ({"destinationConfiguration": {"s3": {"bucketName": "b" * 64}}}, "destinationConfiguration.s3.bucketName"),
        ({"destinationConfiguration": {"s3": {"bucketName": "UpperCase"}}}, "destinationConfiguration.s3.bucketName"),
        ({"destinationConfiguration": {"s3": {"bucketName": "under_score"}}}, "destinationConfiguration.s3.bucketName"),
        (
            {"destinationConfiguration": {"cloudWatchLogs": {"logGroupName": "g" * 513}}},
            "destinationConfiguration.cloudWatchLogs.logGroupName",
        ),
        (
            {"destinationConfiguration": {"cloudWatchLogs": {"logGroupName": "bad group!"}}},
            "destinationConfiguration.cloudWatchLogs.logGroupName",
        ),
        (
            {"destinationConfiguration": {"firehose": {"deliveryStreamName": "f" * 65}}},
            "destinationConfiguration.firehose.deliveryStreamName",
        ),
        (
            {"destinationConfiguration": {"firehose": {"deliveryStreamName": "has/slash"}}},
            "destinationConfiguration.firehose.deliveryStreamName",
        ),
        ({"destinationConfiguration": S3, "name": "n" * 129}, "name"),
        ({"destinationConfiguration": S3, "name": "not valid"}, "name"),
        ({"destinationConfiguration": S3, "tags": tags_of_size(51)}, "tags"),
        ({"destinationConfiguration": S3, "tags": {"aws:x": "y"}}, "tags"),
        ({"destinationConfiguration": S3, "tags": {"k": "v" * 257}}, "tags"),
    ],
    ids=[
        "bucket-64",
        "bucket-upper",
        "bucket-underscore",
        "group-513",
        "group-pattern",
        "stream-65",
        "stream-pattern",
        "name-129",
        "name-pattern",
        "tags-51",
        "tag-aws-prefix",
        "tag-value-257",
    ],
)
def test_create_logging_configuration_rejects_out_of_contract_value(client, params, field):
    expect_validation(client, field, "create_logging_configuration", **params)


@pytest.mark.parametrize(
    "destination",
    [{}, {"s3": {"bucketName": "two-a"}, "firehose": {"deliveryStreamName": "two-b"}}],
    ids=["no-member", "two-members"],
)
def test_create_logging_configuration_requires_exactly_one_destination_server_side(raw_client, destination):
    expect_validation(
        raw_client, "destinationConfiguration", "create_logging_configuration", destinationConfiguration=destination
    )


def test_create_logging_configuration_requires_destination_server_side(raw_client):
    expect_validation(raw_client, "destinationConfiguration", "create_logging_configuration", name="x")


def test_create_logging_configuration_rejects_too_short_bucket_sent_past_client_validation(raw_client):
    expect_validation(
        raw_client,
        "destinationConfiguration.s3.bucketName",
        "create_logging_configuration",
        destinationConfiguration={"s3": {"bucketName": "ab"}},
    )


# --------------------------------------------------------------------------
# GetLoggingConfiguration
# --------------------------------------------------------------------------


def test_get_logging_configuration_returns_what_create_returned(client):
    created = client.create_logging_configuration(
        name=unique_name("get"), destinationConfiguration=FIREHOSE, tags={"x": "y"}
    )
    got = client.get_logging_configuration(identifier=created["arn"])
    assert_status(got, 200)
    assert body(got) == body(created)


def test_get_logging_configuration_of_unknown_id_is_resource_not_found(client):
    arn = unknown_lc_arn()
    resp = expect_error(client, "ResourceNotFoundException", "get_logging_configuration", identifier=arn)
    assert resp["resourceId"] == arn_id(arn)


@pytest.mark.parametrize(
    "identifier",
    [
        "abcdefghijkl",
        f"arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:room/abcdefghijkl",
        f"arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:logging-configuration/" + "a" * 100,
    ],
    ids=["bare-id", "room-arn", "longer-than-128"],
)
def test_get_logging_configuration_rejects_malformed_identifier(client, identifier):
    expect_validation(client, "identifier", "get_logging_configuration", identifier=identifier)


# --------------------------------------------------------------------------
# UpdateLoggingConfiguration
# --------------------------------------------------------------------------


def test_update_logging_configuration_changes_name_and_keeps_destination(client):
    created = client.create_logging_configuration(name="old", destinationConfiguration=S3, tags={"k": "v"})
    time.sleep(0.02)
    updated = client.update_logging_configuration(identifier=created["arn"], name="new")
    assert_status(updated, 200)
    assert updated["state"] == "ACTIVE"
    assert updated["name"] == "new"
    assert updated["destinationConfiguration"] == S3
    assert updated["tags"] == {"k": "v"}
    assert updated["arn"] == created["arn"]
    assert updated["createTime"] == created["createTime"]
    assert updated["updateTime"] > created["updateTime"]


def test_update_logging_configuration_replaces_destination_kind(client):
    created = client.create_logging_configuration(name="keep", destinationConfiguration=S3)
    updated = client.update_logging_configuration(identifier=created["arn"], destinationConfiguration=CWL)
    assert updated["destinationConfiguration"] == CWL
    assert updated["name"] == "keep"
    got = client.get_logging_configuration(identifier=created["arn"])
    assert got["destinationConfiguration"] == CWL
    assert got["state"] == "ACTIVE"


def test_update_logging_configuration_of_unknown_id_is_resource_not_found(client):
    arn = unknown_lc_arn()
    resp = expect_error(client, "ResourceNotFoundException", "update_logging_configuration", identifier=arn, name="x")
    assert resp["resourceId"] == arn_id(arn)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"name": "bad name"}, "name"),
        ({"destinationConfiguration": {"s3": {"bucketName": "NOPE"}}}, "destinationConfiguration.s3.bucketName"),
        (
            {"destinationConfiguration": {"firehose": {"deliveryStreamName": "x" * 65}}},
            "destinationConfiguration.firehose.deliveryStreamName",
        ),
    ],
    ids=["name-pattern", "bucket-pattern", "stream-65"],
)
def test_update_logging_configuration_rejects_out_of_contract_value(client, logging_configuration, params, field):
    expect_validation(
        client, field, "update_logging_configuration", identifier=logging_configuration["arn"], **params
    )
    got = client.get_logging_configuration(identifier=logging_configuration["arn"])
    assert body(got) == body(logging_configuration), "a rejected update changed the configuration"


def test_update_logging_configuration_requires_exactly_one_destination_server_side(raw_client, logging_configuration):
    expect_validation(
        raw_client,
        "destinationConfiguration",
        "update_logging_configuration",
        identifier=logging_configuration["arn"],
        destinationConfiguration={"s3": {"bucketName": "aaa"}, "cloudWatchLogs": {"logGroupName": "bbb"}},
    )


# --------------------------------------------------------------------------
# DeleteLoggingConfiguration
# --------------------------------------------------------------------------


def test_delete_logging_configuration_returns_204_and_removes_it(client, logging_configuration):
    resp = client.delete_logging_configuration(identifier=logging_configuration["arn"])
    assert_status(resp, 204)
    assert body(resp) == {}
    expect_error(
        client, "ResourceNotFoundException", "get_logging_configuration", identifier=logging_configuration["arn"]
    )
    expect_error(
        client, "ResourceNotFoundException", "delete_logging_configuration", identifier=logging_configuration["arn"]
    )


def test_delete_logging_configuration_attached_to_a_room_is_conflict(client, logging_configuration):
    room = client.create_room(loggingConfigurationIdentifiers=[logging_configuration["arn"]])
    resp = expect_error(
        client, "ConflictException", "delete_logging_configuration", identifier=logging_configuration["arn"]
    )
    assert resp.get("resourceId") in {logging_configuration["id"], room["id"]}, resp
    # Still there, still attached.
    assert client.get_logging_configuration(identifier=logging_configuration["arn"])["state"] == "ACTIVE"
    assert client.get_room(identifier=room["arn"])["loggingConfigurationIdentifiers"] == [logging_configuration["arn"]]


def test_delete_logging_configuration_succeeds_once_detached(client, logging_configuration):
    room = client.create_room(loggingConfigurationIdentifiers=[logging_configuration["arn"]])
    client.update_room(identifier=room["arn"], loggingConfigurationIdentifiers=[])
    assert_status(client.delete_logging_configuration(identifier=logging_configuration["arn"]), 204)


def test_delete_logging_configuration_succeeds_once_the_room_is_deleted(client, logging_configuration):
    room = client.create_room(loggingConfigurationIdentifiers=[logging_configuration["arn"]])
    client.delete_room(identifier=room["arn"])
    assert_status(client.delete_logging_configuration(identifier=logging_configuration["arn"]), 204)


def test_delete_logging_configuration_of_unknown_id_is_resource_not_found(client):
    arn = unknown_lc_arn()
    resp = expect_error(client, "ResourceNotFoundException", "delete_logging_configuration", identifier=arn)
    assert resp["resourceId"] == arn_id(arn)


# --------------------------------------------------------------------------
# ListLoggingConfigurations (private servers: known contents)
# --------------------------------------------------------------------------


def test_list_logging_configurations_on_empty_service_returns_empty_list(fresh_server, make_client):
    resp = make_client(fresh_server.endpoint).list_logging_configurations()
    assert_status(resp, 200)
    assert resp["loggingConfigurations"] == []
    assert "nextToken" not in resp


def test_list_logging_configurations_returns_full_summaries(fresh_server, make_client):
    c = make_client(fresh_server.endpoint)
    created = c.create_logging_configuration(name="sum", destinationConfiguration=CWL, tags={"a": "b"})
    (summary,) = c.list_logging_configurations()["loggingConfigurations"]
    assert body(summary) == body(created)


def test_list_logging_configurations_paginates(fresh_server, make_client):
    c = make_client(fresh_server.endpoint)
    created = {c.create_logging_configuration(destinationConfiguration=S3)["id"] for _ in range(5)}
    seen, sizes, token = [], [], None
    while True:
        kwargs = {"maxResults": 2, **({"nextToken": token} if token else {})}
        resp = c.list_logging_configurations(**kwargs)
        sizes.append(len(resp["loggingConfigurations"]))
        seen += [lc["id"] for lc in resp["loggingConfigurations"]]
        token = resp.get("nextToken")
        if not token:
            break
        assert len(sizes) < 10, "pagination does not terminate"
    assert sizes == [2, 2, 1]
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == created


def test_list_logging_configurations_defaults_to_fifty_results(spawn_server, make_client):
    srv = spawn_server("--quotas", "off", "--max-logging-configurations", "60")
    c = make_client(srv.endpoint)
    for _ in range(51):
        c.create_logging_configuration(destinationConfiguration=S3)
    first = c.list_logging_configurations()
    assert len(first["loggingConfigurations"]) == 50
    second = c.list_logging_configurations(nextToken=first["nextToken"])
    assert len(second["loggingConfigurations"]) == 1
    assert "nextToken" not in second


def test_list_logging_configurations_does_not_list_deleted_ones(fresh_server, make_client):
    c = make_client(fresh_server.endpoint)
    keep = c.create_logging_configuration(destinationConfiguration=S3)
    gone = c.create_logging_configuration(destinationConfiguration=S3)
    c.delete_logging_configuration(identifier=gone["arn"])
    assert [lc["id"] for lc in c.list_logging_configurations()["loggingConfigurations"]] == [keep["id"]]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"maxResults": 51}, "maxResults"),
        ({"nextToken": "t" * 1025}, "nextToken"),
        ({"nextToken": "not-a-token-this-server-issued"}, "nextToken"),
    ],
    ids=["max-51", "token-1025", "token-garbage"],
)
def test_list_logging_configurations_rejects_out_of_contract_value(client, params, field):
    expect_validation(client, field, "list_logging_configurations", **params)


def test_list_logging_configurations_rejects_zero_max_results_sent_past_client_validation(raw_client):
    expect_validation(raw_client, "maxResults", "list_logging_configurations", maxResults=0)
