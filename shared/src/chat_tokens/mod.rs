//! Issuing chat tokens: who the caller is (from the JWT authorizer's claims), what the caller
//! may do in a room (role, room access tags, bans), the profile attributes carried in the
//! token, and the issuer that asks IVS Chat for the token and records room activity.

mod attributes;
mod config;
mod error;
mod issuer;
mod policy;

pub use crate::http_api::{parse_groups, Caller, SignedIn};
pub use attributes::{profile_attributes, MAX_ATTRIBUTES_BYTES};
pub use config::{ChatTokenConfig, ConfigError};
pub use error::IssueError;
pub use issuer::{room_arn, Admission, IssuedToken, TokenAsk, TokenIssuer};
pub use policy::{grant, Capability, Role, RoomAccess};
