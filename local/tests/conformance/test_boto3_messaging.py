"""CreateChatToken, SendEvent, DeleteMessage and DisconnectUser through boto3."""

from __future__ import annotations

from datetime import timedelta

import pytest

from support import (
    ID_RE,
    TOKEN_RE,
    arn_id,
    assert_close_to,
    assert_status,
    body,
    expect_error,
    expect_validation,
    unknown_room_arn,
    utcnow,
)

# Attribute maps around the 1 KB limit (sum of UTF-8 bytes of keys and values).
ATTRS_999_BYTES = {"k": "v" * 998}
ATTRS_999_BYTES_MULTIBYTE = {"k": "\u00e9" * 499}  # 1 + 998 bytes, 500 code points
ATTRS_1025_BYTES = {"k": "v" * 1024}
ATTRS_1041_BYTES_BUT_521_CHARS = {"k": "\u00e9" * 520}
ATTRS_1100_BYTES_SPREAD = {f"key{i}": "x" * 106 for i in range(10)}  # 10 * (4 + 106)

BAD_ROOM_IDENTIFIERS = ["room-abc", "arn:aws:ivschat:us-west-2:123456789012:logging-configuration/abcdefghijkl"]


# --------------------------------------------------------------------------
# CreateChatToken
# --------------------------------------------------------------------------


def test_create_chat_token_returns_url_safe_token_and_expiry_times(client, room):
    before = utcnow()
    resp = client.create_chat_token(roomIdentifier=room["arn"], userId="alice")
    assert_status(resp, 200)
    assert isinstance(resp["token"], str) and TOKEN_RE.match(resp["token"]), (
        f"token {resp['token']!r} is not a non-empty [A-Za-z0-9_-] string"
    )
    assert resp["tokenExpirationTime"] > before
    assert_close_to(resp["sessionExpirationTime"], before + timedelta(minutes=60))


@pytest.mark.parametrize("minutes", [1, 30, 180])
def test_create_chat_token_session_expiry_follows_requested_duration(client, room, minutes):
    before = utcnow()
    resp = client.create_chat_token(roomIdentifier=room["arn"], userId="bob", sessionDurationInMinutes=minutes)
    assert_close_to(resp["sessionExpirationTime"], before + timedelta(minutes=minutes))


def test_create_chat_token_mints_a_new_token_every_call(client, room):
    tokens = {client.create_chat_token(roomIdentifier=room["arn"], userId="same")["token"] for _ in range(5)}
    assert len(tokens) == 5


def test_create_chat_token_accepts_all_capabilities_unicode_user_and_attributes(client, room):
    resp = client.create_chat_token(
        roomIdentifier=room["arn"],
        userId="ユーザー 1 \U0001f600",
        capabilities=["SEND_MESSAGE", "DISCONNECT_USER", "DELETE_MESSAGE"],
        attributes={"displayName": "Zoë", "role": "moderator"},
    )
    assert TOKEN_RE.match(resp["token"])


@pytest.mark.parametrize(
    "attributes",
    [ATTRS_999_BYTES, ATTRS_999_BYTES_MULTIBYTE, {}],
    ids=["999-bytes", "999-bytes-multibyte", "empty"],
)
def test_create_chat_token_accepts_attributes_up_to_1kb(client, room, attributes):
    resp = client.create_chat_token(roomIdentifier=room["arn"], userId="u", attributes=attributes)
    assert TOKEN_RE.match(resp["token"])


def test_create_chat_token_accepts_128_character_user_id(client, room):
    assert client.create_chat_token(roomIdentifier=room["arn"], userId="u" * 128)["token"]


def test_token_lifetime_option_sets_token_expiration(spawn_server, make_client):
    srv = spawn_server("--quotas", "off", "--token-lifetime-seconds", "300")
    c = make_client(srv.endpoint)
    room = c.create_room()
    before = utcnow()
    resp = c.create_chat_token(roomIdentifier=room["arn"], userId="u", sessionDurationInMinutes=120)
    assert_close_to(resp["tokenExpirationTime"], before + timedelta(seconds=300))
    assert_close_to(resp["sessionExpirationTime"], before + timedelta(minutes=120))


@pytest.mark.parametrize(
    "params, field",
    [
        ({"userId": "u" * 129}, "userId"),
        ({"sessionDurationInMinutes": 181}, "sessionDurationInMinutes"),
        ({"attributes": ATTRS_1025_BYTES}, "attributes"),
        ({"attributes": ATTRS_1041_BYTES_BUT_521_CHARS}, "attributes"),
        ({"attributes": ATTRS_1100_BYTES_SPREAD}, "attributes"),
        ({"capabilities": ["SEND_MESSAGE", "FLY"]}, "capabilities"),
    ],
    ids=["user-129", "duration-181", "attrs-1025-bytes", "attrs-multibyte-over", "attrs-spread-over", "capability-enum"],
)
def test_create_chat_token_rejects_out_of_contract_value(client, room, params, field):
    expect_validation(client, field, "create_chat_token", **{"roomIdentifier": room["arn"], "userId": "u", **params})


@pytest.mark.parametrize(
    "params, field",
    [
        ({"sessionDurationInMinutes": 0}, "sessionDurationInMinutes"),
        ({"userId": ""}, "userId"),
    ],
    ids=["duration-0", "user-empty"],
)
def test_create_chat_token_rejects_below_minimum_sent_past_client_validation(raw_client, room, params, field):
    expect_validation(
        raw_client, field, "create_chat_token", **{"roomIdentifier": room["arn"], "userId": "u", **params}
    )


def test_create_chat_token_requires_user_id_server_side(raw_client, room):
    expect_validation(raw_client, "userId", "create_chat_token", roomIdentifier=room["arn"])


@pytest.mark.parametrize("identifier", BAD_ROOM_IDENTIFIERS, ids=["not-arn", "lc-arn"])
def test_create_chat_token_rejects_malformed_room_identifier(client, identifier):
    expect_validation(client, "roomIdentifier", "create_chat_token", roomIdentifier=identifier, userId="u")


def test_create_chat_token_for_unknown_room_is_resource_not_found(client):
    arn = unknown_room_arn()
    resp = expect_error(client, "ResourceNotFoundException", "create_chat_token", roomIdentifier=arn, userId="u")
    assert resp["resourceId"] == arn_id(arn)
    assert resp["resourceType"] == "ROOM"


def test_create_chat_token_for_deleted_room_is_resource_not_found(client, room):
    client.delete_room(identifier=room["arn"])
    resp = expect_error(client, "ResourceNotFoundException", "create_chat_token", roomIdentifier=room["arn"], userId="u")
    assert resp["resourceId"] == room["id"]


# --------------------------------------------------------------------------
# SendEvent
# --------------------------------------------------------------------------


def test_send_event_returns_twelve_character_alphanumeric_id(client, room):
    resp = client.send_event(roomIdentifier=room["arn"], eventName="app:poll", attributes={"q": "yes?"})
    assert_status(resp, 200)
    assert ID_RE.match(resp["id"]), resp["id"]


def test_send_event_ids_are_unique(client, room):
    ids = {client.send_event(roomIdentifier=room["arn"], eventName="tick")["id"] for _ in range(10)}
    assert len(ids) == 10


@pytest.mark.parametrize(
    "params",
    [{"eventName": "e" * 100}, {"eventName": "x", "attributes": ATTRS_999_BYTES_MULTIBYTE}],
    ids=["name-100", "attrs-999-bytes"],
)
def test_send_event_accepts_boundary_values(client, room, params):
    assert ID_RE.match(client.send_event(roomIdentifier=room["arn"], **params)["id"])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"eventName": "e" * 101}, "eventName"),
        ({"eventName": "x", "attributes": ATTRS_1025_BYTES}, "attributes"),
        ({"eventName": "x", "attributes": ATTRS_1041_BYTES_BUT_521_CHARS}, "attributes"),
        ({"eventName": "x", "attributes": ATTRS_1100_BYTES_SPREAD}, "attributes"),
    ],
    ids=["name-101", "attrs-1025-bytes", "attrs-multibyte-over", "attrs-spread-over"],
)
def test_send_event_rejects_out_of_contract_value(client, room, params, field):
    expect_validation(client, field, "send_event", roomIdentifier=room["arn"], **params)


def test_send_event_rejects_empty_event_name_sent_past_client_validation(raw_client, room):
    expect_validation(raw_client, "eventName", "send_event", roomIdentifier=room["arn"], eventName="")


@pytest.mark.parametrize("identifier", BAD_ROOM_IDENTIFIERS, ids=["not-arn", "lc-arn"])
def test_send_event_rejects_malformed_room_identifier(client, identifier):
    expect_validation(client, "roomIdentifier", "send_event", roomIdentifier=identifier, eventName="x")


def test_send_event_to_unknown_room_is_resource_not_found(client):
    arn = unknown_room_arn()
    resp = expect_error(client, "ResourceNotFoundException", "send_event", roomIdentifier=arn, eventName="x")
    assert resp["resourceId"] == arn_id(arn)


# --------------------------------------------------------------------------
# DeleteMessage
# --------------------------------------------------------------------------


def test_delete_message_returns_twelve_character_alphanumeric_id(client, room):
    message_id = client.send_event(roomIdentifier=room["arn"], eventName="m")["id"]
    resp = client.delete_message(roomIdentifier=room["arn"], id=message_id, reason="spam")
    assert_status(resp, 200)
    assert ID_RE.match(resp["id"]), resp["id"]


def test_delete_message_without_reason_succeeds(client, room):
    message_id = client.send_event(roomIdentifier=room["arn"], eventName="m")["id"]
    assert ID_RE.match(client.delete_message(roomIdentifier=room["arn"], id=message_id)["id"])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"id": "A" * 13}, "id"),
        ({"id": "abc!efghijkl"}, "id"),
        ({"id": "abc-efghijkl"}, "id"),
        ({"id": "AbCdEf123456", "reason": "r" * 257}, "reason"),
    ],
    ids=["id-13", "id-bang", "id-dash", "reason-257"],
)
def test_delete_message_rejects_out_of_contract_value(client, room, params, field):
    expect_validation(client, field, "delete_message", roomIdentifier=room["arn"], **params)


@pytest.mark.parametrize(
    "params, field",
    [({"id": "A" * 11}, "id"), ({"id": "AbCdEf123456", "reason": ""}, "reason")],
    ids=["id-11", "reason-empty"],
)
def test_delete_message_rejects_below_minimum_sent_past_client_validation(raw_client, room, params, field):
    expect_validation(raw_client, field, "delete_message", roomIdentifier=room["arn"], **params)


def test_delete_message_in_unknown_room_is_resource_not_found(client):
    arn = unknown_room_arn()
    resp = expect_error(client, "ResourceNotFoundException", "delete_message", roomIdentifier=arn, id="AbCdEf123456")
    assert resp["resourceId"] == arn_id(arn)


# --------------------------------------------------------------------------
# DisconnectUser
# --------------------------------------------------------------------------


def test_disconnect_user_returns_empty_structure(client, room):
    resp = client.disconnect_user(roomIdentifier=room["arn"], userId="alice", reason="banned")
    assert_status(resp, 200)
    assert body(resp) == {}


def test_disconnect_user_with_no_connections_and_no_reason_succeeds(client, room):
    assert_status(client.disconnect_user(roomIdentifier=room["arn"], userId="nobody-here"), 200)


@pytest.mark.parametrize(
    "params, field",
    [({"userId": "u" * 129}, "userId"), ({"userId": "u", "reason": "r" * 257}, "reason")],
    ids=["user-129", "reason-257"],
)
def test_disconnect_user_rejects_out_of_contract_value(client, room, params, field):
    expect_validation(client, field, "disconnect_user", roomIdentifier=room["arn"], **params)


def test_disconnect_user_rejects_empty_reason_sent_past_client_validation(raw_client, room):
    expect_validation(raw_client, "reason", "disconnect_user", roomIdentifier=room["arn"], userId="u", reason="")


def test_disconnect_user_requires_user_id_server_side(raw_client, room):
    expect_validation(raw_client, "userId", "disconnect_user", roomIdentifier=room["arn"])


def test_disconnect_user_in_unknown_room_is_resource_not_found(client):
    arn = unknown_room_arn()
    resp = expect_error(client, "ResourceNotFoundException", "disconnect_user", roomIdentifier=arn, userId="u")
    assert resp["resourceId"] == arn_id(arn)
