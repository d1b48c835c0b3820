//! The route keys (`METHOD /path`) a SAM template's `HttpApi` events declare, read line by
//! line from the template's text: for the HTTP functions' tests that every action of their
//! router has a route in `template.yaml`, and every route of theirs an action.

/// `METHOD /path` of every `HttpApi` event of `template`, in the template's order.
pub fn route_keys(template: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut path = None;
    for line in template.lines().map(str::trim) {
        if let Some(p) = line.strip_prefix("Path: ") {
            path = Some(p.to_owned());
        } else if let (Some(method), Some(p)) = (line.strip_prefix("Method: "), path.take()) {
            keys.push(format!("{method} {p}"));
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_gives_its_method_and_path() {
        let template = "
          Events:
            Ban:
              Type: HttpApi
              Properties:
                Path: /rooms/{roomId}/bans/{userId}
                Method: PUT
            Schedule:
              Type: Schedule
            List:
              Type: HttpApi
              Properties:
                Path: /rooms
                Method: GET
        ";
        assert_eq!(
            route_keys(template),
            ["PUT /rooms/{roomId}/bans/{userId}", "GET /rooms"]
        );
    }
}
