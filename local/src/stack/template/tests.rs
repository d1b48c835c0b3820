//! The template reader against the project's template and small templates of each feature.

use super::*;

/// The template `text` read with `overrides` for the local scope.
fn read(text: &str, overrides: &BTreeMap<String, String>) -> Result<StackTemplate, TemplateError> {
    StackTemplate::parse(text, "test.yaml", overrides, &scope())
}

fn scope() -> LocalScope {
    LocalScope {
        account_id: "123456789012".into(),
        region: "us-east-1".into(),
        stack_name: "local".into(),
    }
}

#[test]
fn the_projects_template_resolves_for_the_local_stack() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    let overrides = BTreeMap::from([
        ("JwtIssuer".to_owned(), "local".to_owned()),
        ("JwtAudience".to_owned(), "ivschat-local".to_owned()),
    ]);
    let template = StackTemplate::load(&path, &overrides, &scope()).expect("loads");
    let token = template
        .functions
        .iter()
        .find(|f| f.binary == "chat-token")
        .expect("the chat-token function");
    assert!(token
        .environment
        .contains(&("BANS_TABLE_NAME".to_owned(), "BansTable".to_owned())));
    assert!(token
        .environment
        .contains(&("GROUPS_CLAIM".to_owned(), "cognito:groups".to_owned())));
    assert!(token
        .routes
        .iter()
        .any(|r| r.path == "/rooms/{roomId}/chat-token"
            && r.method == "POST"
            && r.authorizer.is_none()));
    assert!(token
        .routes
        .iter()
        .any(|r| r.authorizer.as_deref() == Some("NONE")));
    // Timeout and MemorySize: the function's own, else the Globals'.
    assert_eq!(
        (token.timeout_seconds, token.memory_mb),
        (Some(10), Some(256))
    );
    let limits_of = |binary: &str| {
        template
            .functions
            .iter()
            .find(|f| f.binary == binary)
            .map(|f| (f.timeout_seconds, f.memory_mb))
    };
    assert_eq!(
        limits_of("chat-history-writer"),
        Some((Some(60), Some(256)))
    );
    assert_eq!(limits_of("room-janitor"), Some((Some(900), Some(256))));
    // The Globals' LoggingConfig reaches every function as Lambda's variables.
    assert_eq!(
        token.logging_environment,
        [
            ("AWS_LAMBDA_LOG_FORMAT".to_owned(), "JSON".to_owned()),
            ("AWS_LAMBDA_LOG_LEVEL".to_owned(), "INFO".to_owned()),
        ]
    );
    let api = template.apis.first().expect("an HTTP API");
    assert_eq!(api.authorizers[0].issuer, "local");
    assert_eq!(
        api.authorizers[0].audiences,
        vec!["ivschat-local".to_owned()]
    );
    assert_eq!(api.authorizers[0].identity_header, "authorization");
    let bans = template
        .tables
        .iter()
        .find(|t| t.logical_id == "BansTable")
        .expect("the bans table");
    assert_eq!(bans.ttl_attribute.as_deref(), Some("expiresAt"));
    let demo = template.rooms.first().expect("the demo room");
    assert_eq!(demo.name.as_deref(), Some("local-demo"));
    assert_eq!(
        demo.review_handler_uri.as_deref(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:message-review")
    );

    // Chat history: the log group, the logging configuration writing to it (attached to
    // the demo room), the subscription feeding the writer, and the table's local index.
    let chat_log = template
        .log_groups
        .iter()
        .find(|g| g.logical_id == "ChatLogGroup")
        .expect("the chat log group");
    assert_eq!(chat_log.name, "/ivschat/local/chat");
    assert!(template
        .log_groups
        .iter()
        .any(|g| g.name == "/aws/lambda/chat-history-writer"));
    assert_eq!(
        template.logging_configurations,
        vec![LoggingConfigurationDef {
            logical_id: "ChatLoggingConfiguration".into(),
            name: Some("local-chat".into()),
            destination: LoggingDestinationDef::CloudWatchLogs {
                log_group_name: "/ivschat/local/chat".into()
            },
            tags: vec![("ivschat-serverless:managed-by".into(), "local".into())],
        }]
    );
    assert_eq!(
        demo.logging_configurations,
        vec![LoggingConfigurationRef::Template(
            "ChatLoggingConfiguration".into()
        )]
    );
    let writer = template
        .functions
        .iter()
        .find(|f| f.binary == "chat-history-writer")
        .expect("the chat-history-writer function");
    assert_eq!(
        writer.log_subscriptions,
        vec![LogSubscriptionDef {
            event: "ChatLog".into(),
            log_group_name: "/ivschat/local/chat".into(),
            filter_pattern: String::new(),
        }]
    );
    assert!(writer.environment.contains(&(
        "HISTORY_TABLE_NAME".to_owned(),
        "ChatHistoryTable".to_owned()
    )));
    let admin = template
        .functions
        .iter()
        .find(|f| f.binary == "admin-api")
        .expect("the admin-api function");
    assert_eq!(
        admin.logging_configuration_environment,
        vec![(
            "CHAT_LOGGING_CONFIGURATION_ARN".to_owned(),
            "ChatLoggingConfiguration".to_owned()
        )]
    );
    let history = template
        .tables
        .iter()
        .find(|t| t.logical_id == "ChatHistoryTable")
        .expect("the history table");
    assert_eq!(
        history.local_secondary_indexes,
        vec![IndexDef {
            name: "bySendTime".into(),
            key_schema: vec![
                ("roomId".into(), "HASH".into()),
                ("sendKey".into(), "RANGE".into())
            ],
            projection_type: "ALL".into(),
            non_key_attributes: Vec::new(),
        }]
    );
    assert!(history.global_secondary_indexes.is_empty());

    // Without chat history, none of it, and the room's `!If` gives `AWS::NoValue`.
    let mut overrides = overrides;
    overrides.insert("ChatHistory".into(), "false".into());
    let template = StackTemplate::load(&path, &overrides, &scope()).expect("loads");
    assert!(template.logging_configurations.is_empty());
    assert!(!template
        .functions
        .iter()
        .any(|f| f.binary == "chat-history-writer"));
    let demo = template.rooms.first().expect("the demo room");
    assert!(demo.logging_configurations.is_empty());
    let admin = template
        .functions
        .iter()
        .find(|f| f.binary == "admin-api")
        .expect("the admin-api function");
    assert!(admin.logging_configuration_environment.is_empty());
    assert!(admin
        .environment
        .contains(&("CHAT_LOGGING_CONFIGURATION_ARN".to_owned(), String::new())));
}

const LOGGING: &str = "\
Parameters:
  Logs:
    Type: String
    Default: \"true\"
  Topic:
    Type: String
    Default: \"\"
Conditions:
  WithLogs: !Equals [!Ref Logs, \"true\"]
  WithTopic: !Not [!Equals [!Ref Topic, \"\"]]
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Condition: WithLogs
  ToGroup:
    Type: AWS::IVSChat::LoggingConfiguration
    Condition: WithLogs
    Properties:
      DestinationConfiguration:
        CloudWatchLogs:
          LogGroupName: !Ref Group
  ToBucket:
    Type: AWS::IVSChat::LoggingConfiguration
    Condition: WithTopic
    Properties:
      DestinationConfiguration:
        S3:
          BucketName: !Sub \"${AWS::AccountId}-chat\"
  ToStream:
    Type: AWS::IVSChat::LoggingConfiguration
    Properties:
      DestinationConfiguration:
        Firehose:
          DeliveryStreamName: chat
  Room:
    Type: AWS::IVSChat::Room
    Properties:
      LoggingConfigurationIdentifiers: !If
        - WithLogs
        - [!GetAtt ToGroup.Arn, !Ref ToStream, arn:aws:ivschat:us-east-1:123456789012:logging-configuration/AbCdEfGhIjKl]
        - !Ref AWS::NoValue
  Indexed:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
      GlobalSecondaryIndexes:
        - IndexName: byOwner
          KeySchema:
            - AttributeName: owner
              KeyType: HASH
          Projection:
            ProjectionType: INCLUDE
            NonKeyAttributes: [title]
  Reader:
    Type: AWS::Serverless::Function
    Metadata:
      BuildProperties:
        Binary: reader
    Properties:
      Environment:
        Variables:
          LOGS_ARN: !If [WithLogs, !GetAtt ToGroup.Arn, !Ref AWS::NoValue]
          STREAM_ARN: !Ref ToStream
      Events:
        Logs:
          Type: CloudWatchLogs
          Properties:
            LogGroupName: !Ref Group
            FilterPattern: \"\"
";

#[test]
fn logging_configurations_log_groups_and_subscriptions_resolve() {
    let template = read(LOGGING, &BTreeMap::new()).expect("valid");
    assert_eq!(
        template.log_groups,
        vec![LogGroupDef {
            logical_id: "Group".into(),
            name: "local-Group".into()
        }],
        "a log group without LogGroupName gets a generated name"
    );
    let destinations: Vec<_> = template
        .logging_configurations
        .iter()
        .map(|c| (c.logical_id.as_str(), c.destination.clone()))
        .collect();
    assert_eq!(
        destinations,
        vec![
            (
                "ToGroup",
                LoggingDestinationDef::CloudWatchLogs {
                    log_group_name: "local-Group".into()
                }
            ),
            (
                "ToStream",
                LoggingDestinationDef::Firehose {
                    delivery_stream_name: "chat".into()
                }
            ),
        ],
        "ToBucket's !Not condition is false"
    );
    assert_eq!(
        template.rooms[0].logging_configurations,
        vec![
            LoggingConfigurationRef::Template("ToGroup".into()),
            LoggingConfigurationRef::Template("ToStream".into()),
            LoggingConfigurationRef::Existing(
                "arn:aws:ivschat:us-east-1:123456789012:logging-configuration/AbCdEfGhIjKl".into()
            ),
        ]
    );
    assert_eq!(
        template.functions[0].log_subscriptions[0].log_group_name,
        "local-Group"
    );
    assert_eq!(
        template.functions[0].logging_configuration_environment,
        vec![
            ("LOGS_ARN".to_owned(), "ToGroup".to_owned()),
            ("STREAM_ARN".to_owned(), "ToStream".to_owned())
        ]
    );
    assert_eq!(
        template.tables[0].global_secondary_indexes,
        vec![IndexDef {
            name: "byOwner".into(),
            key_schema: vec![("owner".into(), "HASH".into())],
            projection_type: "INCLUDE".into(),
            non_key_attributes: vec!["title".into()],
        }]
    );

    let overrides = BTreeMap::from([("Topic".to_owned(), "arn:topic".to_owned())]);
    let template = read(LOGGING, &overrides).expect("valid");
    assert!(template.logging_configurations.iter().any(|c| c.destination
        == LoggingDestinationDef::S3 {
            bucket_name: "123456789012-chat".into()
        }));

    let overrides = BTreeMap::from([("Logs".to_owned(), "false".to_owned())]);
    let template = read(LOGGING, &overrides).expect("valid");
    assert!(
        template.rooms[0].logging_configurations.is_empty(),
        "AWS::NoValue"
    );
    assert_eq!(
        template.functions[0].logging_configuration_environment,
        vec![("STREAM_ARN".to_owned(), "ToStream".to_owned())],
        "AWS::NoValue leaves the variable out"
    );
}

#[test]
fn a_room_naming_a_logging_configuration_that_is_not_created_is_refused() {
    let text = LOGGING.replace(
        "LoggingConfigurationIdentifiers: !If",
        "LoggingConfigurationIdentifiers: [!GetAtt ToBucket.Arn]\n      Unused: !If",
    );
    let error = read(&text, &BTreeMap::new()).expect_err("ToBucket's condition is false");
    assert!(error.to_string().contains("ToBucket"), "{error}");
}

#[test]
fn conditions_and_missing_parameters() {
    let document =
        "Parameters:\n  Make:\n    Type: String\n    Default: \"false\"\n  Needed:\n    Type: String\n\
         Conditions:\n  WithRoom: !Equals [!Ref Make, \"true\"]\n\
         Resources:\n  Room:\n    Type: AWS::IVSChat::Room\n    Condition: WithRoom\n";
    let error = read(document, &BTreeMap::new()).expect_err("Needed has no default");
    assert!(error.to_string().contains("--parameter Needed="), "{error}");
    let overrides = BTreeMap::from([("Needed".to_owned(), "x".to_owned())]);
    let template = read(document, &overrides).expect("valid");
    assert!(template.rooms.is_empty(), "the condition is false");
    let overrides = BTreeMap::from([
        ("Needed".to_owned(), "x".to_owned()),
        ("Make".to_owned(), "true".to_owned()),
    ]);
    let template = read(document, &overrides).expect("valid");
    assert_eq!(template.rooms.len(), 1);
}

#[test]
fn logging_config_is_merged_over_the_globals_and_becomes_lambdas_variables() {
    let function = |name: &str, logging: &str| {
        format!(
            "  {name}:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildProperties:\n        Binary: {name}\n    Properties:\n      CodeUri: ./\n{logging}"
        )
    };
    let document = format!(
        "Parameters:\n  Level:\n    Type: String\n    Default: DEBUG\n\
         Globals:\n  Function:\n    LoggingConfig:\n      LogFormat: JSON\n      ApplicationLogLevel: WARN\n      SystemLogLevel: WARN\n\
         Resources:\n{}{}{}",
        function("inherits", ""),
        function(
            "own",
            "      LoggingConfig:\n        ApplicationLogLevel: !Ref Level\n"
        ),
        function("text", "      LoggingConfig:\n        LogFormat: Text\n"),
    );
    let template = read(&document, &BTreeMap::new()).expect("valid");
    let environment = |binary: &str| {
        template
            .functions
            .iter()
            .find(|f| f.binary == binary)
            .map(|f| f.logging_environment.clone())
            .unwrap_or_default()
    };
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        environment("inherits"),
        [
            pair("AWS_LAMBDA_LOG_FORMAT", "JSON"),
            pair("AWS_LAMBDA_LOG_LEVEL", "WARN")
        ]
    );
    assert_eq!(
        environment("own"),
        [
            pair("AWS_LAMBDA_LOG_FORMAT", "JSON"),
            pair("AWS_LAMBDA_LOG_LEVEL", "DEBUG")
        ]
    );
    // Level filtering needs the JSON format.
    assert_eq!(environment("text"), [pair("AWS_LAMBDA_LOG_FORMAT", "Text")]);

    let without = format!("Resources:\n{}", function("plain", ""));
    let template = read(&without, &BTreeMap::new()).expect("valid");
    assert!(template.functions[0].logging_environment.is_empty());
}

/// A template whose conditions use `!Or` and whose room takes `Fn::If` in long form; the
/// function's `MODE` is a plain string that happens to equal a resource's name.
const TYPED: &str = "\
Parameters:
  Stage:
    Type: String
    Default: dev
  Audiences:
    Type: CommaDelimitedList
    Default: \"a,b\"
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  IsTest: {\"Fn::Equals\": [{Ref: Stage}, test]}
  DevOrTest: !Or [!Condition IsDev, {Condition: IsTest}]
  Neither: !Not [!Condition DevOrTest]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Room:
    Type: AWS::IVSChat::Room
    Condition: DevOrTest
    Properties:
      Name:
        Fn::If: [IsDev, dev-room, {\"Fn::Sub\": \"${Stage}-room\"}]
  Other:
    Type: AWS::IVSChat::Room
    Condition: Neither
  Reader:
    Type: AWS::Serverless::Function
    Metadata:
      BuildProperties:
        Binary: reader
    Properties:
      Environment:
        Variables:
          MODE: Table
          TABLE: !Ref Table
";

#[test]
fn or_a_long_form_if_and_a_string_equal_to_a_resource_name_read_as_written() {
    let template = read(TYPED, &BTreeMap::new()).expect("valid");
    let rooms: Vec<_> = template
        .rooms
        .iter()
        .map(|r| (r.logical_id.as_str(), r.name.as_deref()))
        .collect();
    assert_eq!(
        rooms,
        [("Room", Some("dev-room"))],
        "!Or holds, !Not does not"
    );
    let environment = &template.functions[0].environment;
    assert!(
        environment.contains(&("MODE".to_owned(), "Table".to_owned())),
        "a plain string stays a string: {environment:?}"
    );
    assert!(environment.contains(&("TABLE".to_owned(), "Table".to_owned())));

    let overrides = BTreeMap::from([("Stage".to_owned(), "test".to_owned())]);
    let template = read(TYPED, &overrides).expect("valid");
    assert_eq!(template.rooms[0].name.as_deref(), Some("test-room"));

    let overrides = BTreeMap::from([("Stage".to_owned(), "prod".to_owned())]);
    let template = read(TYPED, &overrides).expect("valid");
    let rooms: Vec<_> = template.rooms.iter().map(|r| &r.logical_id).collect();
    assert_eq!(rooms, ["Other"]);
}

/// A function whose variables use every function `up` evaluates, in short or long form.
fn every_function(long: bool) -> String {
    let forms = [
        ("!Ref Stage", "{Ref: Stage}"),
        ("!Ref Table", "{Ref: Table}"),
        ("!GetAtt Reader.Arn", "{\"Fn::GetAtt\": [Reader, Arn]}"),
        ("!GetAtt [Table, Arn]", "{\"Fn::GetAtt\": \"Table.Arn\"}"),
        (
            "!Sub \"${AWS::Region}/${Stage}/${Table.Arn}/${!Literal}\"",
            "{\"Fn::Sub\": \"${AWS::Region}/${Stage}/${Table.Arn}/${!Literal}\"}",
        ),
        (
            "!Sub [\"${Name}-x\", {Name: !Ref Stage}]",
            "{\"Fn::Sub\": [\"${Name}-x\", {Name: {Ref: Stage}}]}",
        ),
        (
            "!If [IsDev, first, second]",
            "{\"Fn::If\": [IsDev, first, second]}",
        ),
        (
            "!If [IsDev, !Ref AWS::NoValue, no]",
            "{\"Fn::If\": [IsDev, {Ref: AWS::NoValue}, no]}",
        ),
        (
            "!Select [1, !Ref Audiences]",
            "{\"Fn::Select\": [\"1\", {Ref: Audiences}]}",
        ),
        (
            "!Join [\"+\", [!Ref Stage, !Select [0, !Ref Audiences]]]",
            "{\"Fn::Join\": [\"+\", [{Ref: Stage}, {\"Fn::Select\": [0, {Ref: Audiences}]}]]}",
        ),
    ];
    let variables: String = forms
        .iter()
        .enumerate()
        .map(|(i, (short, long_form))| {
            format!("          V{i}: {}\n", if long { long_form } else { short })
        })
        .collect();
    let conditions = if long {
        "  IsDev: {\"Fn::Equals\": [{Ref: Stage}, dev]}\n  \
         IsTest: {\"Fn::Not\": [{Condition: IsDev}]}\n  \
         Both: {\"Fn::And\": [{Condition: IsDev}, {\"Fn::Or\": [{Condition: IsDev}, {Condition: IsTest}]}]}\n"
    } else {
        "  IsDev: !Equals [!Ref Stage, dev]\n  \
         IsTest: !Not [!Condition IsDev]\n  \
         Both: !And [!Condition IsDev, !Or [!Condition IsDev, !Condition IsTest]]\n"
    };
    format!(
        "Parameters:\n  Stage:\n    Type: String\n    Default: dev\n  \
         Audiences:\n    Type: CommaDelimitedList\n    Default: \"a, b\"\n\
         Conditions:\n{conditions}\
         Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n  \
         Reader:\n    Type: AWS::Serverless::Function\n    Condition: Both\n    \
         Metadata:\n      BuildProperties:\n        Binary: reader\n    \
         Properties:\n      Environment:\n        Variables:\n{variables}"
    )
}

#[test]
fn each_function_resolves_the_same_in_short_and_long_form() {
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let expected = vec![
        pair("V0", "dev"),
        pair("V1", "Table"),
        pair(
            "V2",
            "arn:aws:lambda:us-east-1:123456789012:function:reader",
        ),
        pair("V3", "arn:aws:dynamodb:us-east-1:123456789012:table/Table"),
        pair(
            "V4",
            "us-east-1/dev/arn:aws:dynamodb:us-east-1:123456789012:table/Table/${Literal}",
        ),
        pair("V5", "dev-x"),
        pair("V6", "first"),
        // V7 is AWS::NoValue: left out.
        pair("V8", "b"),
        pair("V9", "dev+a"),
    ];
    for long in [false, true] {
        let text = every_function(long);
        let template = read(&text, &BTreeMap::new()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut environment = template.functions[0].environment.clone();
        environment.sort();
        assert_eq!(environment, expected, "long form: {long}");
    }
}

#[test]
fn an_unsupported_function_is_refused_naming_resource_and_property() {
    for (function, name) in [
        ("!ImportValue shared-table", "Fn::ImportValue"),
        ("{\"Fn::FindInMap\": [M, a, b]}", "Fn::FindInMap"),
        ("!Base64 text", "Fn::Base64"),
        ("!GetAtt Table.StreamArn", "Fn::GetAtt Table.StreamArn"),
        ("!Ref AWS::StackId", "Ref AWS::StackId"),
    ] {
        let text = format!(
            "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n  \
             Reader:\n    Type: AWS::Serverless::Function\n    \
             Metadata:\n      BuildProperties:\n        Binary: reader\n    \
             Properties:\n      Environment:\n        Variables:\n          TABLE: {function}\n"
        );
        let error = read(&text, &BTreeMap::new())
            .expect_err(function)
            .to_string();
        assert!(
            error.starts_with("resource Reader, property Environment.Variables.TABLE: ")
                && error.contains(name)
                && error.contains("not supported"),
            "{function}: {error}"
        );
    }
}

#[test]
fn a_function_in_a_property_the_local_stack_does_not_read_is_not_evaluated() {
    let text = "Resources:\n  Reader:\n    Type: AWS::Serverless::Function\n    \
                Metadata:\n      BuildProperties:\n        Binary: reader\n    \
                Properties:\n      Policies:\n        - !ImportValue shared-policy\n  \
                Alarm:\n    Type: AWS::CloudWatch::Alarm\n    \
                Properties:\n      AlarmActions: [!ImportValue topic]\n";
    let template = read(text, &BTreeMap::new()).expect("valid");
    assert_eq!(template.functions[0].binary, "reader");
}

#[test]
fn references_to_nothing_and_conditions_that_are_not_declared_are_refused() {
    let function = |value: &str| {
        format!(
            "Resources:\n  Reader:\n    Type: AWS::Serverless::Function\n    \
             Metadata:\n      BuildProperties:\n        Binary: reader\n    \
             Properties:\n      Environment:\n        Variables:\n          V: {value}\n"
        )
    };
    for (value, expected) in [
        (
            "!Ref Missing",
            "Ref Missing names neither a parameter nor a resource",
        ),
        ("!If [Missing, a, b]", "condition Missing is not declared"),
        ("!Equals [a, b]", "Fn::Equals is a condition function"),
        ("[a, b]", "Environment.Variables.V: is not a string"),
    ] {
        let error = read(&function(value), &BTreeMap::new())
            .expect_err(value)
            .to_string();
        assert!(error.contains(expected), "{value}: {error}");
    }
    let cycle = "Conditions:\n  A: !Not [!Condition B]\n  B: !Not [!Condition A]\n\
                 Resources:\n  Room:\n    Type: AWS::IVSChat::Room\n    Condition: A\n";
    let error = read(cycle, &BTreeMap::new()).expect_err("a cycle");
    assert!(error.to_string().contains("refers to itself"), "{error}");
}
