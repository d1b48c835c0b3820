"""Shared constants and assertion helpers for the ivschat-local conformance suite.

Everything here encodes the wire contract of Amazon IVS Chat as described by the
botocore service model (shared/ivschat/model/service-2.json) and the IVS Chat
documentation (https://docs.aws.amazon.com/ivs/latest/ChatAPIReference/Welcome.html and
https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/service-quotas.html). Tests import from this module; fixtures live in
conftest.py.
"""

from __future__ import annotations

import random
import re
import string
from datetime import datetime, timezone

import pytest

REGION = "us-west-2"
OTHER_REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"
ACCESS_KEY_ID = "test"
SECRET_ACCESS_KEY = "test"

ID_RE = re.compile(r"^[A-Za-z0-9]{12}$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]+$")
LAMBDA_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:chat-review"
OTHER_LAMBDA_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:other-review"

# Status codes of the modeled errors (model `error.httpStatusCode`).
STATUS = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ConflictException": 409,
    "ServiceQuotaExceededException": 402,
    "ThrottlingException": 429,
    "InternalServerException": 500,
}


def room_arn_re(region: str = REGION, account: str = ACCOUNT_ID) -> re.Pattern:
    return re.compile(
        rf"^arn:aws:ivschat:{re.escape(region)}:{re.escape(account)}:room/([A-Za-z0-9]{{12}})$"
    )


def lc_arn_re(region: str = REGION, account: str = ACCOUNT_ID) -> re.Pattern:
    return re.compile(
        rf"^arn:aws:ivschat:{re.escape(region)}:{re.escape(account)}"
        rf":logging-configuration/([A-Za-z0-9]{{12}})$"
    )


def random_id() -> str:
    return "".join(random.choices(string.ascii_letters + string.digits, k=12))


def unknown_room_arn(region: str = REGION, account: str = ACCOUNT_ID) -> str:
    return f"arn:aws:ivschat:{region}:{account}:room/{random_id()}"


def unknown_lc_arn(region: str = REGION, account: str = ACCOUNT_ID) -> str:
    return f"arn:aws:ivschat:{region}:{account}:logging-configuration/{random_id()}"


def arn_id(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


def unique_name(prefix: str = "n") -> str:
    """A room/logging-configuration name matching [a-zA-Z0-9-_]* that no other test uses."""
    return f"{prefix}-{random_id()}"


def body(resp: dict) -> dict:
    """A botocore response without its ResponseMetadata."""
    return {k: v for k, v in resp.items() if k != "ResponseMetadata"}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def assert_close_to(actual: datetime, expected: datetime, tolerance_s: float = 10.0) -> None:
    assert actual.tzinfo is not None, f"timestamp {actual!r} has no timezone"
    delta = abs((actual - expected).total_seconds())
    assert delta <= tolerance_s, f"{actual.isoformat()} is {delta:.1f}s away from {expected.isoformat()}"


def assert_recent(actual: datetime, tolerance_s: float = 10.0) -> None:
    assert_close_to(actual, utcnow(), tolerance_s)


def assert_status(resp: dict, status: int = 200) -> None:
    meta = resp["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == status, f"HTTP {meta['HTTPStatusCode']}, expected {status}"
    assert meta.get("RequestId"), "x-amzn-RequestId did not surface as ResponseMetadata.RequestId"


def expect_error(client, code: str, call: str, /, **params) -> dict:
    """Call client.<call>(**params); assert that botocore raised the *modeled*
    exception class `code` with the modeled HTTP status, a message and a request id.
    Returns the parsed error response (modeled members are top-level keys)."""
    exc_cls = getattr(client.exceptions, code)
    with pytest.raises(exc_cls) as excinfo:
        getattr(client, call)(**params)
    resp = excinfo.value.response
    meta = resp["ResponseMetadata"]
    assert resp["Error"]["Code"] == code
    assert meta["HTTPStatusCode"] == STATUS[code], (
        f"{code} came with HTTP {meta['HTTPStatusCode']}, expected {STATUS[code]}"
    )
    assert resp["Error"].get("Message"), f"{code} has no message: {resp!r}"
    assert meta.get("RequestId"), "error response has no x-amzn-RequestId"
    assert_required_error_members(client, code, resp)
    return resp


def assert_required_error_members(client, code: str, resp: dict) -> None:
    """Every member the model marks required on the error shape (resourceId,
    resourceType, limit, reason, ...) must be in the body."""
    shape = client.meta.service_model.shape_for(code)
    missing = [m for m in shape.required_members if m != "message" and resp.get(m) in (None, "")]
    assert not missing, f"{code} lacks required member(s) {missing}: {resp!r}"


def _field_matches(actual: str, expected: str) -> bool:
    # `tags` may be reported as `tags` or with a key/index suffix (`tags.foo`, `tags[aws:x]`).
    return actual == expected or actual.startswith(expected + ".") or actual.startswith(expected + "[")


def expect_validation(client, fields, call: str, /, **params) -> dict:
    """Assert ValidationException (400) with reason FIELD_VALIDATION_FAILED whose
    fieldList names every field in `fields` and nothing else."""
    if isinstance(fields, str):
        fields = [fields]
    resp = expect_error(client, "ValidationException", call, **params)
    assert resp.get("reason") == "FIELD_VALIDATION_FAILED", f"reason={resp.get('reason')!r}"
    field_list = resp.get("fieldList")
    assert field_list, f"fieldList missing or empty: {resp!r}"
    names = [f.get("name") for f in field_list]
    for f in field_list:
        assert f.get("message"), f"fieldList entry without message: {f!r}"
    for expected in fields:
        assert any(_field_matches(n, expected) for n in names), (
            f"fieldList {names} does not name {expected!r}"
        )
    for n in names:
        assert any(_field_matches(n, expected) for expected in fields), (
            f"fieldList names unexpected field {n!r} (expected only {list(fields)})"
        )
    return resp


def cli_error_text(code: str, operation: str) -> str:
    return f"An error occurred ({code}) when calling the {operation} operation"


def tags_of_size(n: int, prefix: str = "k") -> dict:
    return {f"{prefix}{i}": f"v{i}" for i in range(n)}
