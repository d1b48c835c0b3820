"""The official AWS CLI against ivschat-local: tag-resource, untag-resource and
list-tags-for-resource."""

from __future__ import annotations

from support import unknown_room_arn


def test_cli_list_tags_for_resource_prints_tags(cli, client):
    room = client.create_room(tags={"env": "dev", "team:chat/ops": "x y"})
    out = cli("list-tags-for-resource", "--resource-arn", room["arn"]).json
    assert out == {"tags": {"env": "dev", "team:chat/ops": "x y"}}


def test_cli_list_tags_for_unknown_resource_fails_with_resource_not_found(aws_cli, cli):
    result = cli("list-tags-for-resource", "--resource-arn", unknown_room_arn())
    aws_cli.assert_error(result, "ResourceNotFoundException", "ListTagsForResource")


def test_cli_tag_resource_adds_tags_on_logging_configuration(cli, client, logging_configuration):
    result = cli("tag-resource", "--resource-arn", logging_configuration["arn"], "--tags", '{"a b": "1", "c:d/e": "2"}')
    assert result.rc == 0, result.stderr
    assert result.json == {}
    tags = client.list_tags_for_resource(resourceArn=logging_configuration["arn"])["tags"]
    assert tags == {"a b": "1", "c:d/e": "2"}


def test_cli_tag_resource_with_reserved_prefix_fails_with_validation(aws_cli, cli, client, room):
    result = cli("tag-resource", "--resource-arn", room["arn"], "--tags", '{"aws:owner": "me"}')
    aws_cli.assert_error(result, "ValidationException", "TagResource")
    assert client.list_tags_for_resource(resourceArn=room["arn"])["tags"] == {}


def test_cli_untag_resource_removes_keys_with_spaces_colons_and_slashes(cli, client):
    room = client.create_room(tags={"a b": "1", "c:d/e": "2", "keep": "3"})
    result = cli("untag-resource", "--resource-arn", room["arn"], "--tag-keys", "a b", "c:d/e")
    assert result.rc == 0, result.stderr
    assert result.json == {}
    assert client.list_tags_for_resource(resourceArn=room["arn"])["tags"] == {"keep": "3"}


def test_cli_untag_unknown_resource_fails_with_resource_not_found(aws_cli, cli):
    result = cli("untag-resource", "--resource-arn", unknown_room_arn(), "--tag-keys", "a")
    aws_cli.assert_error(result, "ResourceNotFoundException", "UntagResource")
