//! `ivschat-local up` on a small template of its own: the function hosted with its resolved
//! environment, its HTTP API route behind the JWT authorizer (tokens from `dev-token`), the
//! table created in moto, the room created with its review handler, and `stack.json`.

use std::path::PathBuf;

use ivschat_local::config::{FunctionArgs, FunctionEnv};
use ivschat_local::stack::{dev_token, up, DevTokenConfig, UpConfig};
use ivschat_local::ServeConfig;
use serde_json::Value;

use crate::support::fixture_function;

const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  JwtIssuer:
    Type: String
  JwtAudience:
    Type: CommaDelimitedList
  Greeting:
    Type: String
    Default: hello
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: !Ref JwtIssuer
              audience: !Ref JwtAudience
  EchoFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: rust-cargolambda
      BuildProperties:
        Binary: ivschat-local-fixture-function
    Properties:
      CodeUri: ./
      Environment:
        Variables:
          GREETING: !Ref Greeting
          FIXTURE_INIT_MS: "800"
          TABLE: !Ref ThingsTable
          SELF: !Sub "${AWS::Region}/${AWS::AccountId}"
      Events:
        Echo:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /echo/{thing}
            Method: GET
        Open:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /public/{proxy+}
            Method: GET
            Auth:
              Authorizer: NONE
  ThingsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
  Lobby:
    Type: AWS::IVSChat::Room
    Properties:
      Name: !Sub "${AWS::StackName}-lobby"
      MessageReviewHandler:
        Uri: !GetAtt EchoFunction.Arn
        FallbackResult: DENY
"#;

#[tokio::test]
async fn up_runs_a_template_with_its_function_api_table_and_room() {
    let folder = std::env::temp_dir().join(format!("ivschat-up-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let template = folder.join("template.yaml");
    std::fs::write(&template, TEMPLATE).expect("the template");
    let mut serve = ServeConfig::for_tests();
    serve.data_dir = folder.join("data");
    let config = UpConfig {
        serve,
        hosted: FunctionArgs::default(),
        template,
        api_listen: "127.0.0.1:0".parse().expect("address"),
        parameters: vec![("Greeting".into(), "bonjour".into())],
        no_build: true,
        functions_dir: fixture_function().parent().map(PathBuf::from),
    };
    let stack = up(config).await.expect("the stack comes up");
    let room = stack.rooms.get("Lobby").expect("the room").clone();
    assert!(stack.describe().contains(&room));
    // As provisioned concurrency: `up` returns once its functions have initialised (this one
    // takes 800 ms), so the first requests and chat messages do not wait for a process.
    let functions = stack.server.function_invoker();
    let function = functions
        .hosted("ivschat-local-fixture-function")
        .expect("the function is hosted");
    assert!(function.until_ready(std::time::Duration::ZERO).await);

    let jwt = dev_token(&DevTokenConfig {
        user: "alice".into(),
        groups: vec!["moderators".into()],
        name: None,
        picture: None,
        lifetime_seconds: 300,
        data_dir: folder.join("data"),
    })
    .expect("a dev token");
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let get = |path: &str, jwt: Option<&str>| {
        let mut request = http::Request::get(format!("{}{path}", stack.api.url()));
        if let Some(jwt) = jwt {
            request = request.header("authorization", format!("Bearer {jwt}"));
        }
        client.request(request.body(Default::default()).expect("a request"))
    };
    use http_body_util::BodyExt;
    let response = get("/echo/42", Some(&jwt)).await.expect("an answer");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    let event: Value = serde_json::from_slice(&body).expect("the echoed event");
    assert_eq!(event["pathParameters"]["thing"], "42");
    assert_eq!(
        event["requestContext"]["authorizer"]["jwt"]["claims"]["cognito:groups"],
        "[moderators]"
    );
    let response = get("/echo/42", None).await.expect("an answer");
    assert_eq!(response.status(), 401);
    let response = get("/public/shortcut", None).await.expect("an answer");
    assert_eq!(response.status(), 200, "a route without authorizer");

    // The function's environment is the template's, resolved.
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:ivschat-local-fixture-function";
    for (name, expected) in [
        ("GREETING", "bonjour"),
        ("TABLE", "ThingsTable"),
        ("SELF", "us-east-1/123456789012"),
    ] {
        let payload = bytes::Bytes::from(format!(r#"{{"Content":"echo-env {name}"}}"#));
        let output = stack
            .server
            .function_invoker()
            .invoke(arn, payload, std::time::Duration::from_secs(10))
            .await
            .expect("the function answers");
        let answer: Value = serde_json::from_slice(&output).expect("JSON");
        assert_eq!(answer["Content"], expected, "{name}");
    }

    // The table exists in the stack's moto.
    let dynamo = ivschat_testkit::Endpoint::local(stack.moto.endpoint())
        .in_region("us-east-1")
        .dynamodb();
    let tables = dynamo.list_tables().send().await.expect("ListTables");
    assert!(tables.table_names().contains(&"ThingsTable".to_owned()));

    // The room has the function as its review handler.
    let ivs = ivschat_testkit::Endpoint::local(stack.server.endpoint_url())
        .in_region("us-east-1")
        .ivschat();
    let stored = ivs
        .get_room()
        .identifier(format!(
            "arn:aws:ivschat:us-east-1:123456789012:room/{room}"
        ))
        .send()
        .await
        .expect("GetRoom");
    assert_eq!(stored.name(), Some("ivschat-local-lobby"));
    assert_eq!(
        stored.message_review_handler().and_then(|h| h.uri()),
        Some(arn)
    );

    let described: Value = serde_json::from_str(
        &std::fs::read_to_string(folder.join("data/stack.json")).expect("stack.json"),
    )
    .expect("JSON");
    assert_eq!(described["rooms"]["Lobby"], room.as_str());
    drop(stack);
    let _ = std::fs::remove_dir_all(&folder);
}

/// Chat history the AWS way: a log group, a logging configuration writing to it (attached to
/// the room through `!If`), a table with secondary indexes, and a function subscribed to the
/// log group through a `CloudWatchLogs` event.
const HISTORY_TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  RecordFile:
    Type: String
  ChatHistory:
    Type: String
    Default: "true"
  Pattern:
    Type: String
    Default: ""
Conditions:
  WithChatHistory: !Equals [!Ref ChatHistory, "true"]
Resources:
  ChatLogGroup:
    Type: AWS::Logs::LogGroup
    Condition: WithChatHistory
    Properties:
      LogGroupName: !Sub "/ivschat/${AWS::StackName}/chat"
  ChatLoggingConfiguration:
    Type: AWS::IVSChat::LoggingConfiguration
    Condition: WithChatHistory
    Properties:
      Name: !Sub "${AWS::StackName}-chat"
      DestinationConfiguration:
        CloudWatchLogs:
          LogGroupName: !Ref ChatLogGroup
  HistoryTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: roomId
          AttributeType: S
        - AttributeName: messageId
          AttributeType: S
        - AttributeName: sendKey
          AttributeType: S
        - AttributeName: userId
          AttributeType: S
      KeySchema:
        - AttributeName: roomId
          KeyType: HASH
        - AttributeName: messageId
          KeyType: RANGE
      LocalSecondaryIndexes:
        - IndexName: bySendTime
          KeySchema:
            - AttributeName: roomId
              KeyType: HASH
            - AttributeName: sendKey
              KeyType: RANGE
          Projection:
            ProjectionType: ALL
      GlobalSecondaryIndexes:
        - IndexName: byUser
          KeySchema:
            - AttributeName: userId
              KeyType: HASH
          Projection:
            ProjectionType: KEYS_ONLY
  WriterFunction:
    Type: AWS::Serverless::Function
    Condition: WithChatHistory
    Metadata:
      BuildMethod: rust-cargolambda
      BuildProperties:
        Binary: ivschat-local-fixture-function
    Properties:
      CodeUri: ./
      Environment:
        Variables:
          FIXTURE_AWSLOGS_FILE: !Ref RecordFile
          CHAT_LOGGING_CONFIGURATION_ARN: !If [WithChatHistory, !GetAtt ChatLoggingConfiguration.Arn, ""]
      Events:
        ChatLog:
          Type: CloudWatchLogs
          Properties:
            LogGroupName: !Ref ChatLogGroup
            FilterPattern: !Ref Pattern
  Lobby:
    Type: AWS::IVSChat::Room
    Properties:
      Name: !Sub "${AWS::StackName}-lobby"
      LoggingConfigurationIdentifiers: !If
        - WithChatHistory
        - [!GetAtt ChatLoggingConfiguration.Arn]
        - !Ref AWS::NoValue
"#;

/// An `up` configuration for `template` in `folder`, with the fixture as every function.
fn history_config(folder: &std::path::Path, parameters: Vec<(String, String)>) -> UpConfig {
    std::fs::create_dir_all(folder).expect("a folder");
    let template = folder.join("template.yaml");
    std::fs::write(&template, HISTORY_TEMPLATE).expect("the template");
    let mut serve = ServeConfig::for_tests();
    serve.data_dir = folder.join("data");
    serve.log_subscription_interval_ms = 50;
    UpConfig {
        serve,
        hosted: FunctionArgs::default(),
        template,
        api_listen: "127.0.0.1:0".parse().expect("address"),
        parameters,
        no_build: true,
        functions_dir: fixture_function().parent().map(PathBuf::from),
    }
}

#[tokio::test]
async fn up_wires_the_chat_log_to_the_subscribed_function_as_in_aws() {
    let folder = std::env::temp_dir().join(format!("ivschat-up-history-{}", std::process::id()));
    let records = folder.join("deliveries.ndjson");
    let config = history_config(
        &folder,
        vec![("RecordFile".into(), records.to_string_lossy().into_owned())],
    );
    let stack = up(config).await.expect("the stack comes up");
    let room = stack.rooms.get("Lobby").expect("the room").clone();

    // The room has the logging configuration the template creates.
    let ivs = ivschat_testkit::Endpoint::local(stack.server.endpoint_url())
        .in_region("us-east-1")
        .ivschat();
    let room_arn = format!("arn:aws:ivschat:us-east-1:123456789012:room/{room}");
    let stored = ivs
        .get_room()
        .identifier(&room_arn)
        .send()
        .await
        .expect("GetRoom");
    let [configuration] = stored.logging_configuration_identifiers() else {
        panic!("one logging configuration: {stored:?}");
    };

    // The function's environment has the ARN of the configuration `up` created.
    let function = "arn:aws:lambda:us-east-1:123456789012:function:ivschat-local-fixture-function";
    let output = stack
        .server
        .function_invoker()
        .invoke(
            function,
            bytes::Bytes::from(r#"{"Content":"echo-env CHAT_LOGGING_CONFIGURATION_ARN"}"#),
            std::time::Duration::from_secs(10),
        )
        .await
        .expect("the function answers");
    let answer: Value = serde_json::from_slice(&output).expect("JSON");
    assert_eq!(answer["Content"], configuration.as_str());
    let configuration = ivs
        .get_logging_configuration()
        .identifier(configuration)
        .send()
        .await
        .expect("GetLoggingConfiguration");
    assert_eq!(configuration.name(), Some("ivschat-local-chat"));
    let destination = configuration
        .destination_configuration()
        .expect("a destination");
    assert_eq!(
        destination
            .as_cloud_watch_logs()
            .map(|c| c.log_group_name()),
        Ok("/ivschat/ivschat-local/chat")
    );

    // The table has its local and global secondary indexes in moto.
    let dynamo = ivschat_testkit::Endpoint::local(stack.moto.endpoint())
        .in_region("us-east-1")
        .dynamodb();
    let table = dynamo
        .describe_table()
        .table_name("HistoryTable")
        .send()
        .await
        .expect("DescribeTable");
    let table = table.table().expect("a table");
    let local: Vec<_> = table
        .local_secondary_indexes()
        .iter()
        .filter_map(|i| i.index_name())
        .collect();
    assert_eq!(local, ["bySendTime"]);
    let global: Vec<_> = table
        .global_secondary_indexes()
        .iter()
        .filter_map(|i| i.index_name())
        .collect();
    assert_eq!(global, ["byUser"]);

    // An event in the room reaches the function through the log group's subscription.
    ivs.send_event()
        .room_identifier(&room_arn)
        .event_name("app:hello")
        .send()
        .await
        .expect("SendEvent");
    let start = std::time::Instant::now();
    let delivery: Value = loop {
        let text = std::fs::read_to_string(&records).unwrap_or_default();
        if let Some(line) = text.lines().next() {
            break serde_json::from_str(line).expect("JSON");
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "no delivery reached the function"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let message = &delivery["message"];
    assert_eq!(message["messageType"], "DATA_MESSAGE", "{delivery}");
    assert_eq!(message["logGroup"], "/ivschat/ivschat-local/chat");
    assert_eq!(
        message["logStream"],
        format!("aws/IVSChatLogs/1.0/room_{room}")
    );
    assert_eq!(
        message["subscriptionFilters"],
        serde_json::json!(["WriterFunctionChatLog"])
    );
    let record: Value = serde_json::from_str(
        message["logEvents"][0]["message"]
            .as_str()
            .expect("a message"),
    )
    .expect("a chat-log record");
    assert_eq!(record["type"], "EVENT");
    assert_eq!(record["payload"]["EventName"], "app:hello");
    drop(stack);
    let _ = std::fs::remove_dir_all(&folder);
}

#[tokio::test]
async fn up_refuses_a_filter_pattern_it_cannot_apply() {
    let folder = std::env::temp_dir().join(format!("ivschat-up-pattern-{}", std::process::id()));
    let config = history_config(
        &folder,
        vec![
            ("RecordFile".into(), "unused".into()),
            ("Pattern".into(), "{ $.type = \"MESSAGE\" }".into()),
        ],
    );
    let error = match up(config).await {
        Ok(_) => panic!("the stack came up with a filter pattern it cannot apply"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains("WriterFunction")
            && error.contains("ChatLog")
            && error.contains("not supported locally"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

/// A function as `room-janitor` is declared: a rate in its environment, and the Globals'
/// `LoggingConfig` (JSON) with its own application log level.
const OVERRIDE_TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    LoggingConfig:
      LogFormat: JSON
      ApplicationLogLevel: WARN
      SystemLogLevel: WARN
Resources:
  JanitorFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: rust-cargolambda
      BuildProperties:
        Binary: ivschat-local-fixture-function
    Properties:
      CodeUri: ./
      LoggingConfig:
        ApplicationLogLevel: DEBUG
      Environment:
        Variables:
          JANITOR_DELETE_TPS: "5"
          KEPT: from-the-template
"#;

#[tokio::test]
async fn up_lets_the_users_function_env_win_over_the_template_and_says_so() {
    let folder = std::env::temp_dir().join(format!("ivschat-up-override-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let template = folder.join("template.yaml");
    std::fs::write(&template, OVERRIDE_TEMPLATE).expect("the template");
    let mut serve = ServeConfig::for_tests();
    serve.data_dir = folder.join("data");
    serve.quota_scale = 10.0;
    let config = UpConfig {
        serve,
        hosted: FunctionArgs {
            functions: Vec::new(),
            function_env: vec![FunctionEnv {
                function: "ivschat-local-fixture-function".into(),
                key: "JANITOR_DELETE_TPS".into(),
                value: "50".into(),
            }],
        },
        template,
        api_listen: "127.0.0.1:0".parse().expect("address"),
        parameters: Vec::new(),
        no_build: true,
        functions_dir: fixture_function().parent().map(PathBuf::from),
    };
    let stack = up(config).await.expect("the stack comes up");

    let arn = "arn:aws:lambda:us-east-1:123456789012:function:ivschat-local-fixture-function";
    let variable = |name: &'static str| {
        let invoker = stack.server.function_invoker();
        async move {
            let payload = bytes::Bytes::from(format!(r#"{{"Content":"echo-env {name}"}}"#));
            let output = invoker
                .invoke(arn, payload, std::time::Duration::from_secs(10))
                .await
                .expect("the function answers");
            let answer: Value = serde_json::from_slice(&output).expect("JSON");
            answer["Content"].as_str().unwrap_or_default().to_owned()
        }
    };
    assert_eq!(
        variable("JANITOR_DELETE_TPS").await,
        "50",
        "the user's value"
    );
    assert_eq!(variable("KEPT").await, "from-the-template");
    // LoggingConfig reaches the process as Lambda's variables.
    assert_eq!(variable("AWS_LAMBDA_LOG_FORMAT").await, "JSON");
    assert_eq!(variable("AWS_LAMBDA_LOG_LEVEL").await, "DEBUG");

    assert_eq!(
        stack.environment_overrides,
        [ivschat_local::stack::EnvironmentOverride {
            function: "ivschat-local-fixture-function".into(),
            variable: "JANITOR_DELETE_TPS".into(),
            stack_value: "5".into(),
            user_value: "50".into(),
        }]
    );
    let described = stack.describe();
    assert!(
        described.contains(r#"ivschat-local-fixture-function: JANITOR_DELETE_TPS "5" -> "50""#),
        "{described}"
    );
    drop(stack);
    let _ = std::fs::remove_dir_all(&folder);
}
