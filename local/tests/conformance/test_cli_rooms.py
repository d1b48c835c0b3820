"""The official AWS CLI against ivschat-local: room commands. One success and one
typed-error case per command (the CLI costs ~1 s per call; boto3 tests carry the
thorough matrix)."""

from __future__ import annotations

import json

from support import LAMBDA_ARN, expect_error, room_arn_re, unique_name, unknown_lc_arn, unknown_room_arn


def test_cli_create_room_prints_the_new_room(cli, client):
    name = unique_name("cli")
    out = cli(
        "create-room",
        "--name", name,
        "--maximum-message-length", "200",
        "--message-review-handler", json.dumps({"uri": LAMBDA_ARN, "fallbackResult": "DENY"}),
        "--tags", '{"team": "chat"}',
    ).json
    assert room_arn_re().match(out["arn"])
    assert out["name"] == name
    assert out["maximumMessageLength"] == 200
    assert out["maximumMessageRatePerSecond"] == 10
    assert out["messageReviewHandler"] == {"uri": LAMBDA_ARN, "fallbackResult": "DENY"}
    assert out["tags"] == {"team": "chat"}
    assert client.get_room(identifier=out["arn"])["name"] == name


def test_cli_create_room_beyond_max_rooms_fails_with_service_quota_exceeded(aws_cli, spawn_server):
    srv = spawn_server("--quotas", "off", "--max-rooms", "1")
    assert aws_cli.run(srv.endpoint, "create-room").rc == 0
    aws_cli.assert_error(aws_cli.run(srv.endpoint, "create-room"), "ServiceQuotaExceededException", "CreateRoom")


def test_cli_get_room_prints_the_room(cli, room):
    out = cli("get-room", "--identifier", room["arn"]).json
    assert out["id"] == room["id"]
    assert out["arn"] == room["arn"]
    assert out["maximumMessageLength"] == 500


def test_cli_get_room_of_unknown_room_fails_with_resource_not_found(aws_cli, cli):
    aws_cli.assert_error(cli("get-room", "--identifier", unknown_room_arn()), "ResourceNotFoundException", "GetRoom")


def test_cli_update_room_prints_the_updated_room(cli, room):
    out = cli("update-room", "--identifier", room["arn"], "--name", "renamed", "--maximum-message-rate-per-second", "20").json
    assert out["name"] == "renamed"
    assert out["maximumMessageRatePerSecond"] == 20
    assert out["maximumMessageLength"] == room["maximumMessageLength"]


def test_cli_update_room_with_out_of_range_rate_fails_with_validation(aws_cli, cli, client, room):
    result = cli("update-room", "--identifier", room["arn"], "--maximum-message-rate-per-second", "101")
    aws_cli.assert_error(result, "ValidationException", "UpdateRoom")
    assert client.get_room(identifier=room["arn"])["maximumMessageRatePerSecond"] == 10


def test_cli_delete_room_succeeds_silently_and_removes_the_room(cli, client, room):
    result = cli("delete-room", "--identifier", room["arn"])
    assert result.rc == 0, result.stderr
    assert result.stdout.strip() == ""
    expect_error(client, "ResourceNotFoundException", "get_room", identifier=room["arn"])


def test_cli_delete_room_of_unknown_room_fails_with_resource_not_found(aws_cli, cli):
    aws_cli.assert_error(cli("delete-room", "--identifier", unknown_room_arn()), "ResourceNotFoundException", "DeleteRoom")


def test_cli_list_rooms_filters_by_name(cli, client):
    name = unique_name("clilist")
    room = client.create_room(name=name)
    client.create_room(name=name + "x")
    out = cli("list-rooms", "--name", name, "--max-results", "10").json
    assert [r["id"] for r in out["rooms"]] == [room["id"]]
    assert "nextToken" not in out


def test_cli_list_rooms_with_unknown_logging_configuration_fails_with_resource_not_found(aws_cli, cli):
    result = cli("list-rooms", "--logging-configuration-identifier", unknown_lc_arn())
    aws_cli.assert_error(result, "ResourceNotFoundException", "ListRooms")
