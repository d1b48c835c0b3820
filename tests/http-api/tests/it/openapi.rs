//! `api/openapi.yaml` is kept true: it describes exactly the routes `template.yaml` declares,
//! with the same authorization (JWT or none), and every operation documents its errors.
//! Operations marked `x-planned: true` are described ahead of their implementation (so clients
//! can be built against them) and are not yet routes of the template.

use std::collections::BTreeSet;

use ivschat_local::stack::template::{LocalScope, StackTemplate};
use serde_json::Value;

use crate::stack::repository;

fn document() -> Value {
    let text =
        std::fs::read_to_string(repository().join("api/openapi.yaml")).expect("api/openapi.yaml");
    serde_saphyr::from_str(&text).expect("valid YAML")
}

fn template_routes() -> BTreeSet<(String, String, bool)> {
    let scope = LocalScope {
        account_id: "123456789012".into(),
        region: "us-east-1".into(),
        stack_name: "ivschat-local".into(),
    };
    let overrides = [
        ("JwtIssuer".to_owned(), "local".to_owned()),
        ("JwtAudience".to_owned(), "ivschat-local".to_owned()),
    ]
    .into_iter()
    .collect();
    let template = StackTemplate::load(&repository().join("template.yaml"), &overrides, &scope)
        .expect("the template loads");
    template
        .functions
        .iter()
        .flat_map(|f| f.routes.iter())
        .map(|route| {
            (
                route.method.to_lowercase(),
                route.path.clone(),
                route.authorizer.as_deref() != Some("NONE"),
            )
        })
        .collect()
}

#[test]
fn the_document_describes_exactly_the_templates_routes() {
    let document = document();
    assert!(document["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.")));
    let mut described = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if method == "parameters" || operation["x-planned"] == Value::Bool(true) {
                continue;
            }
            let open = operation
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(|s| s.is_empty());
            described.insert((method.clone(), path.clone(), !open));
            let responses = operation["responses"].as_object().expect("responses");
            assert!(
                operation["operationId"].is_string(),
                "{method} {path} has an operationId"
            );
            for status in ["400", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} documents {status}"
                );
            }
            if !open {
                for status in ["401", "403", "429"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} documents {status}"
                    );
                }
            }
        }
    }
    assert_eq!(described, template_routes());
}
