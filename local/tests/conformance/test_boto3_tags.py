"""TagResource, UntagResource and ListTagsForResource through boto3, on room and
logging-configuration ARNs (the ARN travels percent-encoded as one path label)."""

from __future__ import annotations

import pytest

from support import (
    ACCOUNT_ID,
    REGION,
    arn_id,
    assert_status,
    body,
    expect_error,
    expect_validation,
    tags_of_size,
    unknown_lc_arn,
    unknown_room_arn,
)

ODD_KEYS = {"with space": "1", "team:chat/ops": "2", "a.b_c=d+e-f@g": "3", "k/": "trailing slash"}


@pytest.fixture(params=["room", "logging-configuration"])
def resource(request, client):
    if request.param == "room":
        return client.create_room(tags={"created": "yes"})
    return client.create_logging_configuration(
        destinationConfiguration={"s3": {"bucketName": "tagged"}}, tags={"created": "yes"}
    )


def tags_of(client, arn):
    resp = client.list_tags_for_resource(resourceArn=arn)
    assert_status(resp, 200)
    return resp["tags"]


def test_list_tags_returns_tags_given_at_creation(client, resource):
    assert tags_of(client, resource["arn"]) == {"created": "yes"}


def test_list_tags_of_untagged_room_returns_empty_map(client, room):
    resp = client.list_tags_for_resource(resourceArn=room["arn"])
    assert resp["tags"] == {}


def test_tag_resource_returns_empty_structure_and_merges_tags(client, resource):
    resp = client.tag_resource(resourceArn=resource["arn"], tags={"new": "tag", "created": "overwritten"})
    assert_status(resp, 200)
    assert body(resp) == {}
    assert tags_of(client, resource["arn"]) == {"created": "overwritten", "new": "tag"}


def test_tags_with_spaces_colons_and_slashes_round_trip(client, resource):
    client.tag_resource(resourceArn=resource["arn"], tags=ODD_KEYS)
    assert tags_of(client, resource["arn"]) == {"created": "yes", **ODD_KEYS}
    resp = client.untag_resource(resourceArn=resource["arn"], tagKeys=["with space", "team:chat/ops", "k/"])
    assert_status(resp, 200)
    assert body(resp) == {}
    assert tags_of(client, resource["arn"]) == {"created": "yes", "a.b_c=d+e-f@g": "3"}


def test_tags_may_use_unicode_letters(client, room):
    client.tag_resource(resourceArn=room["arn"], tags={"clé": "größe", "名前": "値"})
    assert tags_of(client, room["arn"]) == {"clé": "größe", "名前": "値"}


def test_untag_resource_requires_tag_keys(client, room):
    # tagKeys is required; an empty list looks on the wire like none at all.
    client.tag_resource(resourceArn=room["arn"], tags={"stays": "1"})
    expect_validation(client, "tagKeys", "untag_resource", resourceArn=room["arn"], tagKeys=[])
    assert tags_of(client, room["arn"]) == {"stays": "1"}


def test_untag_resource_ignores_absent_keys(client, resource):
    client.untag_resource(resourceArn=resource["arn"], tagKeys=["never-set"])
    assert tags_of(client, resource["arn"]) == {"created": "yes"}


def test_tags_set_by_tag_resource_show_in_get_room_and_list_rooms(fresh_server, make_client):
    c = make_client(fresh_server.endpoint)
    room = c.create_room()
    c.tag_resource(resourceArn=room["arn"], tags={"via": "tag-resource"})
    assert c.get_room(identifier=room["arn"])["tags"] == {"via": "tag-resource"}
    assert c.list_rooms()["rooms"][0]["tags"] == {"via": "tag-resource"}
    c.untag_resource(resourceArn=room["arn"], tagKeys=["via"])
    assert c.get_room(identifier=room["arn"]).get("tags", {}) == {}


def test_tags_set_by_tag_resource_show_in_get_logging_configuration(client, logging_configuration):
    client.tag_resource(resourceArn=logging_configuration["arn"], tags={"via": "tag-resource"})
    got = client.get_logging_configuration(identifier=logging_configuration["arn"])
    assert got["tags"] == {"via": "tag-resource"}


def test_tag_resource_may_fill_up_to_fifty_tags(client, resource):
    client.tag_resource(resourceArn=resource["arn"], tags=tags_of_size(49))
    assert len(tags_of(client, resource["arn"])) == 50
    # Overwriting an existing key keeps the total at 50, so it is allowed.
    client.tag_resource(resourceArn=resource["arn"], tags={"k0": "changed"})
    assert tags_of(client, resource["arn"])["k0"] == "changed"


def test_tag_resource_that_would_exceed_fifty_tags_is_rejected(client, room):
    client.tag_resource(resourceArn=room["arn"], tags=tags_of_size(45))
    expect_validation(client, "tags", "tag_resource", resourceArn=room["arn"], tags=tags_of_size(6, prefix="extra"))
    assert len(tags_of(client, room["arn"])) == 45, "a rejected TagResource changed the tags"


@pytest.mark.parametrize(
    "tags",
    [
        tags_of_size(51),
        {"aws:name": "x"},
        {"AWS:name": "x"},
        {"k" * 129: "x"},
        {"k": "v" * 257},
        {"semi;colon": "x"},
        {"k": "v<script>"},
    ],
    ids=["51-tags", "aws-prefix", "aws-prefix-uppercase", "key-129", "value-257", "key-bad-char", "value-bad-char"],
)
def test_tag_resource_rejects_out_of_contract_tags(client, room, tags):
    expect_validation(client, "tags", "tag_resource", resourceArn=room["arn"], tags=tags)
    assert tags_of(client, room["arn"]) == {}


def test_tag_resource_rejects_empty_key_sent_past_client_validation(raw_client, room):
    expect_validation(raw_client, "tags", "tag_resource", resourceArn=room["arn"], tags={"": "v"})


def test_untag_resource_rejects_more_than_fifty_keys(client, room):
    expect_validation(client, "tagKeys", "untag_resource", resourceArn=room["arn"], tagKeys=[f"k{i}" for i in range(51)])


def test_untag_resource_rejects_key_longer_than_128(client, room):
    expect_validation(client, "tagKeys", "untag_resource", resourceArn=room["arn"], tagKeys=["k" * 129])


@pytest.mark.parametrize("kind", ["room", "logging-configuration"])
@pytest.mark.parametrize(
    "call, extra",
    [
        ("list_tags_for_resource", {}),
        ("tag_resource", {"tags": {"a": "b"}}),
        ("untag_resource", {"tagKeys": ["a"]}),
    ],
    ids=["list", "tag", "untag"],
)
def test_tag_operations_on_unknown_resource_are_resource_not_found(client, kind, call, extra):
    arn = unknown_room_arn() if kind == "room" else unknown_lc_arn()
    resp = expect_error(client, "ResourceNotFoundException", call, resourceArn=arn, **extra)
    assert resp["resourceId"] == arn_id(arn)


def test_tag_operations_on_deleted_room_are_resource_not_found(client, room):
    client.delete_room(identifier=room["arn"])
    expect_error(client, "ResourceNotFoundException", "list_tags_for_resource", resourceArn=room["arn"])
    expect_error(client, "ResourceNotFoundException", "tag_resource", resourceArn=room["arn"], tags={"a": "b"})


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:channel/abcdefghijkl",
        f"arn:aws:ivs:{REGION}:{ACCOUNT_ID}:room/abcdefghijkl",
        "not-an-arn",
        f"arn:aws:ivschat:{REGION}:{ACCOUNT_ID}:room/" + "a" * 100,
    ],
    ids=["unknown-resource-type", "wrong-service", "free-text", "longer-than-128"],
)
def test_tag_operations_reject_malformed_resource_arn(client, arn):
    expect_validation(client, "resourceArn", "list_tags_for_resource", resourceArn=arn)
    expect_validation(client, "resourceArn", "tag_resource", resourceArn=arn, tags={"a": "b"})
