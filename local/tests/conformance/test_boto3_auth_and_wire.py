"""SigV4 authentication, server options (account id, credentials), ARNs derived
from the signing scope, request ids, and the raw wire format (restJson1)."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from support import (
    ACCESS_KEY_ID,
    OTHER_REGION,
    REGION,
    SECRET_ACCESS_KEY,
    assert_status,
    lc_arn_re,
    room_arn_re,
)

ISO8601_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


# --------------------------------------------------------------------------
# Raw HTTP helpers
# --------------------------------------------------------------------------


def http(method, url, data=b"", headers=None):
    """Send one HTTP request to the local server. Returns (status, headers, body bytes)."""
    req = urllib.request.Request(url, data=data if method != "GET" else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def signed(endpoint, method, path, payload=None, *, region=REGION, key=ACCESS_KEY_ID, secret=SECRET_ACCESS_KEY):
    data = b"" if payload is None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    req = AWSRequest(method=method, url=endpoint + path, data=data, headers=headers)
    SigV4Auth(Credentials(key, secret), "ivschat", region).add_auth(req)
    prepared = req.prepare()
    return prepared.url, data, dict(prepared.headers.items())


def error_code(headers, body: bytes):
    """The error code the way botocore reads it: x-amzn-ErrorType (minus any ':...'
    suffix), else the body's code/__type (minus any 'namespace#' prefix)."""
    header = headers.get("x-amzn-ErrorType")
    if header:
        return header.split(":", 1)[0]
    try:
        doc = json.loads(body or b"{}")
    except ValueError:
        return None
    code = doc.get("code") or doc.get("Code") or doc.get("__type")
    return code.split("#")[-1] if code else None


# --------------------------------------------------------------------------
# Authentication
# --------------------------------------------------------------------------


def test_wrong_secret_key_is_invalid_signature_403(server, make_client):
    c = make_client(server.endpoint, secret_key="not-the-secret")
    with pytest.raises(ClientError) as excinfo:
        c.list_rooms()
    resp = excinfo.value.response
    assert resp["Error"]["Code"] == "InvalidSignatureException"
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_access_key_is_unrecognized_client_403(server, make_client):
    c = make_client(server.endpoint, access_key="AKIDUNKNOWN", secret_key="whatever")
    with pytest.raises(ClientError) as excinfo:
        c.get_room(identifier=f"arn:aws:ivschat:{REGION}:123456789012:room/abcdefghijkl")
    resp = excinfo.value.response
    assert resp["Error"]["Code"] == "UnrecognizedClientException"
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unsigned_request_is_missing_authentication_token_403(server):
    status, headers, body = http(
        "POST", server.endpoint + "/ListRooms", b"{}", {"Content-Type": "application/json"}
    )
    assert status == 403
    assert error_code(headers, body) == "MissingAuthenticationTokenException"


def test_body_altered_after_signing_is_invalid_signature(server):
    url, _, headers = signed(server.endpoint, "POST", "/ListRooms", {"maxResults": 5})
    status, resp_headers, body = http("POST", url, json.dumps({"maxResults": 6}).encode(), headers)
    assert status == 403
    assert error_code(resp_headers, body) == "InvalidSignatureException"


def test_correctly_signed_raw_request_is_accepted(server):
    url, data, headers = signed(server.endpoint, "POST", "/ListRooms", {"maxResults": 1})
    status, _, body = http("POST", url, data, headers)
    assert status == 200, body
    assert isinstance(json.loads(body)["rooms"], list)


def test_no_verify_signatures_accepts_a_wrong_secret(spawn_server, make_client):
    srv = spawn_server("--quotas", "off", "--no-verify-signatures")
    c = make_client(srv.endpoint, secret_key="not-the-secret")
    assert_status(c.create_room(), 200)


def test_configured_credentials_replace_the_default_ones(spawn_server, make_client):
    srv = spawn_server("--quotas", "off", "--access-key-id", "AKIDLOCALTEST", "--secret-access-key", "s3cr3t/Key+")
    assert_status(make_client(srv.endpoint, access_key="AKIDLOCALTEST", secret_key="s3cr3t/Key+").list_rooms(), 200)
    with pytest.raises(ClientError) as excinfo:
        make_client(srv.endpoint).list_rooms()
    assert excinfo.value.response["Error"]["Code"] == "UnrecognizedClientException"
    with pytest.raises(ClientError) as excinfo:
        make_client(srv.endpoint, access_key="AKIDLOCALTEST", secret_key="wrong").list_rooms()
    assert excinfo.value.response["Error"]["Code"] == "InvalidSignatureException"


# --------------------------------------------------------------------------
# ARNs: account from configuration, region from the signing scope
# --------------------------------------------------------------------------


def test_account_id_option_appears_in_arns(spawn_server, make_client):
    srv = spawn_server("--quotas", "off", "--account-id", "210987654321")
    c = make_client(srv.endpoint)
    assert room_arn_re(account="210987654321").match(c.create_room()["arn"])
    lc = c.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "acct"}})
    assert lc_arn_re(account="210987654321").match(lc["arn"])


@pytest.mark.parametrize("region", ["ca-central-1", "xx-nowhere-1"])
def test_a_region_without_ivs_chat_is_refused_as_aws_does(server, make_client, region):
    with pytest.raises(ClientError) as excinfo:
        make_client(server.endpoint, region=region).create_room()
    error = excinfo.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Error"]["Code"] == "InvalidSignatureException"
    assert error["Error"]["Message"].startswith(
        f"Credential should be scoped to a valid region, not '{region}'."
    )


def test_regions_option_sets_the_accepted_regions(spawn_server, make_client):
    srv = spawn_server("--quotas", "off", "--regions", f"ca-central-1,{REGION}", "--default-region", "ca-central-1")
    room = make_client(srv.endpoint, region="ca-central-1").create_room()
    assert room_arn_re(region="ca-central-1").match(room["arn"]), room["arn"]
    with pytest.raises(ClientError) as excinfo:
        make_client(srv.endpoint, region=OTHER_REGION).list_rooms()
    assert excinfo.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_arns_carry_the_region_of_the_signing_scope(server, make_client):
    c = make_client(server.endpoint, region=OTHER_REGION)
    room = c.create_room()
    assert room_arn_re(region=OTHER_REGION).match(room["arn"]), room["arn"]
    lc = c.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "region"}})
    assert lc_arn_re(region=OTHER_REGION).match(lc["arn"]), lc["arn"]
    assert c.get_room(identifier=room["arn"])["id"] == room["id"]


# --------------------------------------------------------------------------
# Request ids and error wire format
# --------------------------------------------------------------------------


def test_request_id_header_surfaces_as_response_metadata_request_id(client):
    a = client.list_rooms(maxResults=1)["ResponseMetadata"]
    b = client.list_rooms(maxResults=1)["ResponseMetadata"]
    assert a["RequestId"] and a["RequestId"] == a["HTTPHeaders"].get("x-amzn-requestid")
    assert a["RequestId"] != b["RequestId"]


def test_error_responses_carry_request_id_error_type_and_json(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_room(identifier=f"arn:aws:ivschat:{REGION}:123456789012:room/zzzzzzzzzzzz")
    meta = excinfo.value.response["ResponseMetadata"]
    assert meta["RequestId"] == meta["HTTPHeaders"].get("x-amzn-requestid")
    assert meta["HTTPHeaders"].get("x-amzn-errortype", "").split(":")[0] == "ResourceNotFoundException"
    assert meta["HTTPHeaders"].get("content-type", "").startswith("application/json")


def test_success_responses_are_json_with_iso8601_timestamp_strings(server):
    url, data, headers = signed(server.endpoint, "POST", "/CreateRoom", {})
    status, resp_headers, body = http("POST", url, data, headers)
    assert status == 200
    assert resp_headers.get("Content-Type", "").startswith("application/json")
    doc = json.loads(body)
    for field in ("createTime", "updateTime"):
        assert isinstance(doc[field], str) and ISO8601_RE.match(doc[field]), f"{field}={doc[field]!r}"
    url, data, headers = signed(server.endpoint, "POST", "/CreateChatToken", {"roomIdentifier": doc["arn"], "userId": "u"})
    status, _, body = http("POST", url, data, headers)
    token = json.loads(body)
    for field in ("tokenExpirationTime", "sessionExpirationTime"):
        assert isinstance(token[field], str) and ISO8601_RE.match(token[field]), f"{field}={token[field]!r}"


def test_delete_room_on_the_wire_is_204_with_empty_body(server, client):
    room = client.create_room()
    url, data, headers = signed(server.endpoint, "POST", "/DeleteRoom", {"identifier": room["arn"]})
    status, resp_headers, body = http("POST", url, data, headers)
    assert status == 204
    assert body == b""
    assert resp_headers.get("x-amzn-RequestId")


def test_disconnect_user_on_the_wire_is_200_with_empty_json_object(server, client):
    room = client.create_room()
    url, data, headers = signed(server.endpoint, "POST", "/DisconnectUser", {"roomIdentifier": room["arn"], "userId": "u"})
    status, _, body = http("POST", url, data, headers)
    assert status == 200
    assert json.loads(body) == {}


def test_list_tags_uses_percent_encoded_arn_as_one_path_label(server, client):
    room = client.create_room(tags={"a": "b"})
    encoded = urllib.request.quote(room["arn"], safe="")
    url, data, headers = signed(server.endpoint, "GET", "/tags/" + encoded)
    status, _, body = http("GET", url, headers=headers)
    assert status == 200, body
    assert json.loads(body) == {"tags": {"a": "b"}}


def test_server_prints_only_its_ready_line_on_stdout(server, client):
    client.list_rooms()
    time.sleep(0.1)
    assert server.ready_line == f"ivschat-local listening on http://127.0.0.1:{server.port}"
    assert bytes(server.extra_stdout) == b"", f"unexpected stdout: {bytes(server.extra_stdout)[:500]!r}"
