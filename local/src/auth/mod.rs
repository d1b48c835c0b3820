//! Request authentication: AWS Signature Version 4 on the `Authorization` header (checked on
//! requests in, added to the service's own requests out), and the errors AWS answers when it
//! fails.

mod sigv4;

pub use sigv4::{
    credential_scope_region, AuthError, SigV4Signer, SigV4Verifier, SignError, IVSCHAT_SERVICE,
    LAMBDA_SERVICE,
};
