"""The official AWS CLI against ivschat-local: create-chat-token, send-event,
delete-message and disconnect-user."""

from __future__ import annotations

from datetime import timedelta

from botocore.utils import parse_timestamp

from support import ID_RE, TOKEN_RE, assert_close_to, unknown_room_arn, utcnow


def test_cli_create_chat_token_prints_token_and_expiry(cli, room):
    before = utcnow()
    out = cli(
        "create-chat-token",
        "--room-identifier", room["arn"],
        "--user-id", "cli-user",
        "--capabilities", "SEND_MESSAGE", "DELETE_MESSAGE",
        "--session-duration-in-minutes", "30",
        "--attributes", '{"displayName": "CLI"}',
    ).json
    assert TOKEN_RE.match(out["token"])
    assert_close_to(parse_timestamp(out["sessionExpirationTime"]), before + timedelta(minutes=30))
    assert parse_timestamp(out["tokenExpirationTime"]) > before


def test_cli_create_chat_token_for_deleted_room_fails_with_resource_not_found(aws_cli, cli, client, room):
    client.delete_room(identifier=room["arn"])
    result = cli("create-chat-token", "--room-identifier", room["arn"], "--user-id", "u")
    aws_cli.assert_error(result, "ResourceNotFoundException", "CreateChatToken")


def test_cli_send_event_prints_event_id(cli, room):
    out = cli("send-event", "--room-identifier", room["arn"], "--event-name", "app:like", "--attributes", '{"n": "1"}').json
    assert ID_RE.match(out["id"])


def test_cli_send_event_with_101_character_name_fails_with_validation(aws_cli, cli, room):
    result = cli("send-event", "--room-identifier", room["arn"], "--event-name", "e" * 101)
    aws_cli.assert_error(result, "ValidationException", "SendEvent")


def test_cli_delete_message_prints_operation_id(cli, client, room):
    message_id = client.send_event(roomIdentifier=room["arn"], eventName="m")["id"]
    out = cli("delete-message", "--room-identifier", room["arn"], "--id", message_id, "--reason", "spam").json
    assert ID_RE.match(out["id"])


def test_cli_delete_message_with_malformed_id_fails_with_validation(aws_cli, cli, room):
    result = cli("delete-message", "--room-identifier", room["arn"], "--id", "bad!id!chars")
    aws_cli.assert_error(result, "ValidationException", "DeleteMessage")


def test_cli_disconnect_user_succeeds_with_empty_output(cli, room):
    result = cli("disconnect-user", "--room-identifier", room["arn"], "--user-id", "troll", "--reason", "bye")
    assert result.rc == 0, result.stderr
    assert result.json == {}


def test_cli_disconnect_user_in_unknown_room_fails_with_resource_not_found(aws_cli, cli):
    result = cli("disconnect-user", "--room-identifier", unknown_room_arn(), "--user-id", "u")
    aws_cli.assert_error(result, "ResourceNotFoundException", "DisconnectUser")
