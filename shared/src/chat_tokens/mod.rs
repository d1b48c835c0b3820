//! Issuing chat tokens: who the caller is (from the JWT authorizer's claims), whether the
//! caller may be in a room (role, room access tags, bans: [`RoomGate`], which the history
//! routes use too), the profile attributes carried in the token, and the issuer that asks IVS
//! Chat for the token and records room activity.

mod admission;
mod attributes;
mod config;
mod issuer;
mod policy;

pub use crate::http_api::{parse_groups, Caller, SignedIn};
pub use admission::{Admission, RoomGate};
pub use attributes::{profile_attributes, MAX_ATTRIBUTES_BYTES};
pub use config::{ChatTokenConfig, ConfigError};
pub use issuer::{IssuedToken, TokenAsk, TokenIssuer};
pub use policy::{grant, Capability, Role, RoomAccess};
