//! The shape of one HTTP API, as a SAM template declares it: routes to functions, JWT
//! authorizers, CORS. `ivschat-local up` builds it from `template.yaml`; tests build it by hand.

use http::Method;

/// One HTTP API (API Gateway v2, payload format 2.0, stage `$default`).
#[derive(Debug, Clone, Default)]
pub struct HttpApiConfig {
    /// The API id that appears in events (`requestContext.apiId`) and in the domain name.
    pub api_id: String,
    pub account_id: String,
    pub region: String,
    pub routes: Vec<RouteConfig>,
    pub authorizers: Vec<JwtAuthorizerConfig>,
    /// The authorizer of routes that name none (SAM `Auth.DefaultAuthorizer`).
    pub default_authorizer: Option<String>,
    pub cors: Option<CorsConfig>,
    /// How long a function may take before the client gets 503 (API Gateway: 30 s).
    pub integration_timeout: std::time::Duration,
}

/// A route: `METHOD /path/{param}` (or `ANY`, or `$default`) to a function.
#[derive(Debug, Clone)]
pub struct RouteConfig {
    /// `None` is `ANY`.
    pub method: Option<Method>,
    /// `/rooms/{roomId}/token`, `/items/{proxy+}`, or `$default`.
    pub path: String,
    /// The function's ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`).
    pub function_arn: String,
    pub authorization: RouteAuthorization,
}

/// Which authorizer guards a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteAuthorization {
    /// The API's default authorizer, if it has one.
    Default,
    /// No authorizer (SAM `Authorizer: NONE`).
    None,
    /// A named JWT authorizer, with the scopes the route requires (any one of them).
    Jwt {
        authorizer: String,
        scopes: Vec<String>,
    },
}

/// A JWT authorizer: tokens must be signed by a key of the issuer's JWKS (found through
/// `{issuer}/.well-known/openid-configuration`) and carry one of the audiences.
#[derive(Debug, Clone)]
pub struct JwtAuthorizerConfig {
    pub name: String,
    pub issuer: String,
    pub audiences: Vec<String>,
    /// The request header holding the token (`$request.header.Authorization` → `authorization`).
    pub identity_header: String,
}

/// CORS as API Gateway HTTP APIs configure it.
#[derive(Debug, Clone, Default)]
pub struct CorsConfig {
    /// Origins allowed; `*` allows any.
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age_seconds: Option<u32>,
    pub allow_credentials: bool,
}
