//! Request authentication: AWS Signature Version 4 on the `Authorization` header (checked on
//! requests in, added to the service's own requests out), the regions a request may be scoped
//! to, and the errors AWS answers when a check fails.

mod regions;
mod sigv4;

pub use regions::{is_region_name, Regions, IVS_CHAT_REGIONS, IVS_CHAT_REGIONS_TEXT};
pub use sigv4::{
    credential_scope_region, AuthError, SigV4Signer, SigV4Verifier, SignError, IVSCHAT_SERVICE,
    LAMBDA_SERVICE,
};
