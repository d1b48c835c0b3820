//! Request authentication: AWS Signature Version 4 on the `Authorization` header, and the
//! errors AWS answers when it fails.

mod sigv4;

pub use sigv4::{credential_scope_region, AuthError, SigV4Verifier};
