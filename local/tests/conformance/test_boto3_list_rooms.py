"""ListRooms: ordering, pagination and filters. Every test uses a private server
so the listing contains only what the test created."""

from __future__ import annotations

import time

import pytest

from support import (
    LAMBDA_ARN,
    OTHER_LAMBDA_ARN,
    arn_id,
    assert_status,
    expect_error,
    expect_validation,
    unknown_lc_arn,
)


@pytest.fixture
def c(fresh_server, make_client):
    return make_client(fresh_server.endpoint)


def _create_spaced(c, n, **params):
    """Create n rooms with distinct updateTimes (oldest first)."""
    rooms = []
    for _ in range(n):
        rooms.append(c.create_room(**params))
        time.sleep(0.01)
    return rooms


def test_list_rooms_on_empty_service_returns_empty_list_and_no_token(c):
    resp = c.list_rooms()
    assert_status(resp, 200)
    assert resp["rooms"] == []
    assert "nextToken" not in resp


def test_list_rooms_returns_summaries_without_rate_or_length(c):
    lc = c.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "summ"}})
    created = c.create_room(
        name="summary",
        maximumMessageLength=100,
        messageReviewHandler={"uri": LAMBDA_ARN, "fallbackResult": "DENY"},
        tags={"t": "1"},
        loggingConfigurationIdentifiers=[lc["arn"]],
    )
    (summary,) = c.list_rooms()["rooms"]
    assert summary["arn"] == created["arn"]
    assert summary["id"] == created["id"]
    assert summary["name"] == "summary"
    assert summary["messageReviewHandler"] == {"uri": LAMBDA_ARN, "fallbackResult": "DENY"}
    assert summary["tags"] == {"t": "1"}
    assert summary["loggingConfigurationIdentifiers"] == [lc["arn"]]
    assert summary["createTime"] == created["createTime"]
    assert summary["updateTime"] == created["updateTime"]
    assert "maximumMessageLength" not in summary
    assert "maximumMessageRatePerSecond" not in summary


def test_list_rooms_orders_by_update_time_newest_first(c):
    a, b, d = _create_spaced(c, 3)
    assert [r["id"] for r in c.list_rooms()["rooms"]] == [d["id"], b["id"], a["id"]]
    time.sleep(0.01)
    c.update_room(identifier=a["arn"], name="touched")
    assert [r["id"] for r in c.list_rooms()["rooms"]] == [a["id"], d["id"], b["id"]]


def test_list_rooms_paginates_with_opaque_token_until_exhausted(c):
    created = _create_spaced(c, 5)
    expected = [r["id"] for r in reversed(created)]
    pages, token = [], None
    while True:
        kwargs = {"maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        resp = c.list_rooms(**kwargs)
        pages.append([r["id"] for r in resp["rooms"]])
        token = resp.get("nextToken")
        if not token:
            break
        assert isinstance(token, str) and 0 < len(token) <= 1024
        assert len(pages) < 10, "pagination does not terminate"
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == expected


def test_list_rooms_omits_next_token_when_page_is_exactly_full(c):
    _create_spaced(c, 2, name="exact")
    resp = c.list_rooms(maxResults=2)
    assert len(resp["rooms"]) == 2
    assert "nextToken" not in resp


def test_list_rooms_defaults_to_fifty_results(c):
    for _ in range(51):
        c.create_room()
    first = c.list_rooms()
    assert len(first["rooms"]) == 50
    assert first.get("nextToken")
    second = c.list_rooms(nextToken=first["nextToken"])
    assert len(second["rooms"]) == 1
    assert "nextToken" not in second
    assert {r["id"] for r in first["rooms"]}.isdisjoint({second["rooms"][0]["id"]})


def test_list_rooms_filters_on_exact_name(c):
    a = c.create_room(name="lobby")
    b = c.create_room(name="lobby")
    c.create_room(name="lobby2")
    c.create_room(name="Lobby")
    c.create_room()
    got = {r["id"] for r in c.list_rooms(name="lobby")["rooms"]}
    assert got == {a["id"], b["id"]}


def test_list_rooms_filters_on_message_review_handler_uri(c):
    a = c.create_room(messageReviewHandler={"uri": LAMBDA_ARN})
    c.create_room(messageReviewHandler={"uri": OTHER_LAMBDA_ARN})
    c.create_room()
    got = [r["id"] for r in c.list_rooms(messageReviewHandlerUri=LAMBDA_ARN)["rooms"]]
    assert got == [a["id"]]


def test_list_rooms_filters_on_logging_configuration(c):
    lc1 = c.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "one"}})["arn"]
    lc2 = c.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "two"}})["arn"]
    a = c.create_room(loggingConfigurationIdentifiers=[lc1])
    b = c.create_room(loggingConfigurationIdentifiers=[lc2, lc1])
    c.create_room(loggingConfigurationIdentifiers=[lc2])
    c.create_room()
    got = {r["id"] for r in c.list_rooms(loggingConfigurationIdentifier=lc1)["rooms"]}
    assert got == {a["id"], b["id"]}


def test_list_rooms_combines_filters_with_and(c):
    lc = c.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "and"}})["arn"]
    hit = c.create_room(name="both", messageReviewHandler={"uri": LAMBDA_ARN}, loggingConfigurationIdentifiers=[lc])
    c.create_room(name="both", messageReviewHandler={"uri": LAMBDA_ARN})
    c.create_room(name="both", loggingConfigurationIdentifiers=[lc])
    c.create_room(name="other", messageReviewHandler={"uri": LAMBDA_ARN}, loggingConfigurationIdentifiers=[lc])
    got = c.list_rooms(name="both", messageReviewHandlerUri=LAMBDA_ARN, loggingConfigurationIdentifier=lc)
    assert [r["id"] for r in got["rooms"]] == [hit["id"]]
    got2 = c.list_rooms(name="both", messageReviewHandlerUri=LAMBDA_ARN)
    assert len(got2["rooms"]) == 2


def test_list_rooms_filter_sees_handler_detached_by_update_room(c):
    room = c.create_room(messageReviewHandler={"uri": LAMBDA_ARN})
    assert len(c.list_rooms(messageReviewHandlerUri=LAMBDA_ARN)["rooms"]) == 1
    c.update_room(identifier=room["arn"], messageReviewHandler={"uri": ""})
    assert c.list_rooms(messageReviewHandlerUri=LAMBDA_ARN)["rooms"] == []


def test_list_rooms_filter_paginates_within_the_filtered_set(c):
    wanted = [c.create_room(name="page") for _ in range(3)]
    for _ in range(3):
        c.create_room(name="noise")
    first = c.list_rooms(name="page", maxResults=2)
    assert len(first["rooms"]) == 2 and first.get("nextToken")
    second = c.list_rooms(name="page", maxResults=2, nextToken=first["nextToken"])
    assert len(second["rooms"]) == 1 and "nextToken" not in second
    got = {r["id"] for r in first["rooms"] + second["rooms"]}
    assert got == {r["id"] for r in wanted}


def test_list_rooms_does_not_list_deleted_rooms(c):
    keep = c.create_room()
    gone = c.create_room()
    c.delete_room(identifier=gone["arn"])
    assert [r["id"] for r in c.list_rooms()["rooms"]] == [keep["id"]]


def test_list_rooms_with_unknown_logging_configuration_is_resource_not_found(c):
    arn = unknown_lc_arn()
    resp = expect_error(c, "ResourceNotFoundException", "list_rooms", loggingConfigurationIdentifier=arn)
    assert resp["resourceId"] == arn_id(arn)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"maxResults": 51}, "maxResults"),
        ({"name": "bad name"}, "name"),
        ({"name": "n" * 129}, "name"),
        ({"messageReviewHandlerUri": "not-a-lambda"}, "messageReviewHandlerUri"),
        ({"loggingConfigurationIdentifier": "nope"}, "loggingConfigurationIdentifier"),
        ({"nextToken": "t" * 1025}, "nextToken"),
        ({"nextToken": "not-a-token-this-server-issued"}, "nextToken"),
    ],
    ids=["max-51", "name-pattern", "name-129", "uri-pattern", "lc-pattern", "token-1025", "token-garbage"],
)
def test_list_rooms_rejects_out_of_contract_value(c, params, field):
    expect_validation(c, field, "list_rooms", **params)


def test_list_rooms_rejects_zero_max_results_sent_past_client_validation(fresh_server, make_client):
    raw = make_client(fresh_server.endpoint, validate=False)
    expect_validation(raw, "maxResults", "list_rooms", maxResults=0)
