"""The official AWS CLI against ivschat-local: logging-configuration commands."""

from __future__ import annotations

from support import expect_error, lc_arn_re, unique_name, unknown_lc_arn


def test_cli_create_logging_configuration_prints_active_configuration(cli):
    name = unique_name("clilc")
    out = cli(
        "create-logging-configuration",
        "--name", name,
        "--destination-configuration", '{"s3": {"bucketName": "cli-logs"}}',
        "--tags", '{"k": "v"}',
    ).json
    assert lc_arn_re().match(out["arn"])
    assert out["state"] == "ACTIVE"
    assert out["name"] == name
    assert out["destinationConfiguration"] == {"s3": {"bucketName": "cli-logs"}}
    assert out["tags"] == {"k": "v"}


def test_cli_create_logging_configuration_with_bad_bucket_fails_with_validation(aws_cli, cli):
    result = cli("create-logging-configuration", "--destination-configuration", '{"s3": {"bucketName": "Bad_Bucket"}}')
    aws_cli.assert_error(result, "ValidationException", "CreateLoggingConfiguration")


def test_cli_get_logging_configuration_prints_it(cli, logging_configuration):
    out = cli("get-logging-configuration", "--identifier", logging_configuration["arn"]).json
    assert out["id"] == logging_configuration["id"]
    assert out["state"] == "ACTIVE"
    assert out["destinationConfiguration"] == logging_configuration["destinationConfiguration"]


def test_cli_get_logging_configuration_of_unknown_id_fails_with_resource_not_found(aws_cli, cli):
    result = cli("get-logging-configuration", "--identifier", unknown_lc_arn())
    aws_cli.assert_error(result, "ResourceNotFoundException", "GetLoggingConfiguration")


def test_cli_update_logging_configuration_prints_updated_configuration(cli, logging_configuration):
    out = cli(
        "update-logging-configuration",
        "--identifier", logging_configuration["arn"],
        "--name", "cli-updated",
        "--destination-configuration", '{"cloudWatchLogs": {"logGroupName": "/ivs/chat"}}',
    ).json
    assert out["name"] == "cli-updated"
    assert out["state"] == "ACTIVE"
    assert out["destinationConfiguration"] == {"cloudWatchLogs": {"logGroupName": "/ivs/chat"}}


def test_cli_update_logging_configuration_of_unknown_id_fails_with_resource_not_found(aws_cli, cli):
    result = cli("update-logging-configuration", "--identifier", unknown_lc_arn(), "--name", "x")
    aws_cli.assert_error(result, "ResourceNotFoundException", "UpdateLoggingConfiguration")


def test_cli_delete_logging_configuration_succeeds_silently(cli, client, logging_configuration):
    result = cli("delete-logging-configuration", "--identifier", logging_configuration["arn"])
    assert result.rc == 0, result.stderr
    assert result.stdout.strip() == ""
    expect_error(client, "ResourceNotFoundException", "get_logging_configuration", identifier=logging_configuration["arn"])


def test_cli_delete_attached_logging_configuration_fails_with_conflict(aws_cli, cli, client, logging_configuration):
    client.create_room(loggingConfigurationIdentifiers=[logging_configuration["arn"]])
    result = cli("delete-logging-configuration", "--identifier", logging_configuration["arn"])
    aws_cli.assert_error(result, "ConflictException", "DeleteLoggingConfiguration")


def test_cli_list_logging_configurations_pages_with_max_results(aws_cli, spawn_server, make_client):
    srv = spawn_server("--quotas", "off")
    c = make_client(srv.endpoint)
    ids = {c.create_logging_configuration(destinationConfiguration={"s3": {"bucketName": "pages"}})["id"] for _ in range(3)}
    out = aws_cli.run(srv.endpoint, "list-logging-configurations", "--max-results", "2").json
    assert len(out["loggingConfigurations"]) == 2
    assert out["nextToken"]
    rest = c.list_logging_configurations(nextToken=out["nextToken"])["loggingConfigurations"]
    assert {lc["id"] for lc in out["loggingConfigurations"] + rest} == ids


def test_cli_list_logging_configurations_with_max_results_51_fails_with_validation(aws_cli, cli):
    result = cli("list-logging-configurations", "--max-results", "51")
    aws_cli.assert_error(result, "ValidationException", "ListLoggingConfigurations")
