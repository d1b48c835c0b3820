//! Route selection as API Gateway HTTP APIs do it: the most specific route wins (literal
//! segments over `{param}`, `{param}` over `{proxy+}`), a route of the request's method over
//! `ANY`, and `$default` catches what nothing else matches.

use std::collections::BTreeMap;

use http::Method;

use super::config::RouteConfig;

/// A compiled route table.
#[derive(Debug, Clone)]
pub struct RouteTable {
    routes: Vec<Compiled>,
    default_route: Option<usize>,
}

#[derive(Debug, Clone)]
struct Compiled {
    index: usize,
    method: Option<Method>,
    segments: Vec<Segment>,
    route_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
    Greedy(String),
}

/// The route a request matched, with its `routeKey` and path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// Index into the routes the table was built from.
    pub index: usize,
    pub route_key: String,
    pub path_parameters: BTreeMap<String, String>,
}

impl RouteTable {
    pub fn new(routes: &[RouteConfig]) -> Self {
        let mut compiled = Vec::new();
        let mut default_route = None;
        for (index, route) in routes.iter().enumerate() {
            if route.path == "$default" {
                default_route = Some(index);
                continue;
            }
            let segments = route
                .path
                .trim_matches('/')
                .split('/')
                .filter(|s| !s.is_empty())
                .map(
                    |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => match name.strip_suffix('+') {
                            Some(name) => Segment::Greedy(name.to_owned()),
                            None => Segment::Param(name.to_owned()),
                        },
                        None => Segment::Literal(s.to_owned()),
                    },
                )
                .collect();
            let method = route.method.as_ref().map_or("ANY", |m| m.as_str());
            compiled.push(Compiled {
                index,
                method: route.method.clone(),
                segments,
                route_key: format!("{method} {}", route.path),
            });
        }
        RouteTable {
            routes: compiled,
            default_route,
        }
    }

    /// The route for `method` and the (percent-decoded) `path`, if any.
    pub fn find(&self, method: &Method, path: &str) -> Option<Matched> {
        let parts: Vec<&str> = path
            .trim_start_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let mut best: Option<(Vec<u8>, &Compiled, BTreeMap<String, String>)> = None;
        for route in &self.routes {
            if route.method.as_ref().is_some_and(|m| m != method) {
                continue;
            }
            let Some(params) = match_segments(&route.segments, &parts) else {
                continue;
            };
            // Specificity: per segment literal (2) over param (1) over greedy (0), then an
            // exact method over ANY.
            let mut rank: Vec<u8> = route
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(_) => 2,
                    Segment::Param(_) => 1,
                    Segment::Greedy(_) => 0,
                })
                .collect();
            rank.push(u8::from(route.method.is_some()));
            if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
                best = Some((rank, route, params));
            }
        }
        if let Some((_, route, path_parameters)) = best {
            return Some(Matched {
                index: route.index,
                route_key: route.route_key.clone(),
                path_parameters,
            });
        }
        self.default_route.map(|index| Matched {
            index,
            route_key: "$default".to_owned(),
            path_parameters: BTreeMap::new(),
        })
    }
}

fn match_segments(segments: &[Segment], parts: &[&str]) -> Option<BTreeMap<String, String>> {
    let mut params = BTreeMap::new();
    for (i, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Greedy(name) => {
                if i >= parts.len() {
                    return None;
                }
                params.insert(name.clone(), parts[i..].join("/"));
                return Some(params);
            }
            Segment::Literal(literal) => {
                if parts.get(i) != Some(&literal.as_str()) {
                    return None;
                }
            }
            Segment::Param(name) => {
                let part = parts.get(i)?;
                params.insert(name.clone(), (*part).to_owned());
            }
        }
    }
    (segments.len() == parts.len()).then_some(params)
}

#[cfg(test)]
mod tests {
    use super::super::config::RouteAuthorization;
    use super::*;

    fn route(method: Option<Method>, path: &str) -> RouteConfig {
        RouteConfig {
            method,
            path: path.to_owned(),
            function_arn: "arn:aws:lambda:us-east-1:123456789012:function:f".to_owned(),
            authorization: RouteAuthorization::Default,
        }
    }

    #[test]
    fn the_most_specific_route_wins_and_default_catches_the_rest() {
        let table = RouteTable::new(&[
            route(None, "/rooms/{proxy+}"),
            route(Some(Method::POST), "/rooms/{roomId}/token"),
            route(Some(Method::GET), "/rooms/mine/token"),
            route(None, "/rooms/{roomId}/token"),
            route(None, "$default"),
        ]);
        let found = table
            .find(&Method::POST, "/rooms/abc/token")
            .expect("a route");
        assert_eq!(found.index, 1);
        assert_eq!(found.route_key, "POST /rooms/{roomId}/token");
        assert_eq!(found.path_parameters["roomId"], "abc");
        assert_eq!(
            table
                .find(&Method::GET, "/rooms/mine/token")
                .map(|m| m.index),
            Some(2)
        );
        assert_eq!(
            table
                .find(&Method::PUT, "/rooms/abc/token")
                .map(|m| m.index),
            Some(3)
        );
        let greedy = table.find(&Method::GET, "/rooms/a/b/c").expect("greedy");
        assert_eq!(greedy.index, 0);
        assert_eq!(greedy.path_parameters["proxy"], "a/b/c");
        let fallback = table.find(&Method::GET, "/other").expect("default");
        assert_eq!(
            (fallback.index, fallback.route_key.as_str()),
            (4, "$default")
        );
    }

    #[test]
    fn no_route_and_no_default_is_none() {
        let table = RouteTable::new(&[route(Some(Method::GET), "/a")]);
        assert!(table.find(&Method::POST, "/a").is_none());
        assert!(table.find(&Method::GET, "/a/b").is_none());
        assert!(table.find(&Method::GET, "/a").is_some());
    }
}
