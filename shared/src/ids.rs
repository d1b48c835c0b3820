//! Identifiers, checked once: chat user ids, room ids, IVS Chat resource ids, and the ARNs of
//! this account and region's rooms and logging configurations. A leaf module: it knows no
//! HTTP, no store and no SDK, so every other module can name things the same way.

use std::fmt;

/// Longest user id, in characters (the `userId` limit of IVS Chat's CreateChatToken).
pub const MAX_USER_ID_CHARS: usize = 128;
/// Longest room id, in characters. IVS room ids are 12 alphanumerics; the room part of a
/// room ARN is accepted up to this length.
pub const MAX_ROOM_ID_CHARS: usize = 128;

/// Why a string is not the identifier it should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("user id is empty")]
    EmptyUserId,
    #[error("user id has {chars} characters, at most {MAX_USER_ID_CHARS} are allowed")]
    UserIdTooLong { chars: usize },
    #[error("room id `{room_id}` {problem}")]
    InvalidRoomId {
        room_id: String,
        problem: &'static str,
    },
    /// Not 12 ASCII letters and digits, as IVS Chat's room and logging-configuration ids are.
    #[error("must be an IVS Chat resource id: 12 letters and digits")]
    NotAResourceId,
    /// The function's own ARN, which names the account and region of every resource.
    #[error("cannot derive the account and region from the function ARN `{arn}`")]
    NotAFunctionArn { arn: String },
}

/// A chat user's id as IVS Chat knows it (`userId` of CreateChatToken): 1 to 128 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

impl UserId {
    pub fn new(id: impl Into<String>) -> Result<Self, IdError> {
        let id = id.into();
        let chars = id.chars().count();
        if chars == 0 {
            return Err(IdError::EmptyUserId);
        }
        if chars > MAX_USER_ID_CHARS {
            return Err(IdError::UserIdTooLong { chars });
        }
        Ok(UserId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An IVS Chat room id (the last part of its ARN, e.g. `g1H2I3j4k5L6`): 1 to 128 ASCII
/// letters, digits, `-` or `_`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomId(String);

impl RoomId {
    pub fn new(id: impl Into<String>) -> Result<Self, IdError> {
        let id = id.into();
        let problem = if id.is_empty() {
            Some("is empty")
        } else if id.len() > MAX_ROOM_ID_CHARS {
            Some("is longer than 128 characters")
        } else if !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            Some("may only hold ASCII letters, digits, `-` and `_`")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(IdError::InvalidRoomId {
                room_id: id,
                problem,
            }),
            None => Ok(RoomId(id)),
        }
    }

    /// The room id of a room ARN (`arn:aws:ivschat:REGION:ACCOUNT:room/ID`), or of a bare id.
    pub fn from_identifier(identifier: &str) -> Result<Self, IdError> {
        match identifier.strip_prefix("arn:") {
            Some(rest) => match rest.split_once(":room/") {
                Some((_, id)) => RoomId::new(id),
                None => Err(IdError::InvalidRoomId {
                    room_id: identifier.to_owned(),
                    problem: "is an ARN but not a room ARN",
                }),
            },
            None => RoomId::new(identifier),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks that `id` is an IVS Chat resource id (a room's or a logging configuration's): 12
/// ASCII letters and digits.
pub fn check_resource_id(id: &str) -> Result<(), IdError> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(IdError::NotAResourceId)
    }
}

/// The ARNs of this account and region's IVS Chat resources. IVS Chat identifies rooms and
/// logging configurations by ARN in every operation, and resources live in the account and
/// region of the function itself, so the ARNs are derived from its own, with no lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceNames {
    /// `arn:PARTITION:ivschat:REGION:ACCOUNT:`
    prefix: String,
}

impl ResourceNames {
    /// The names for the account and region of `function_arn`
    /// (`arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`, a version or alias allowed).
    pub fn of_function(function_arn: &str) -> Result<Self, IdError> {
        let fields: Vec<&str> = function_arn.splitn(7, ':').collect();
        match fields.as_slice() {
            ["arn", partition, "lambda", region, account, "function", _]
                if !region.is_empty() && !account.is_empty() =>
            {
                Ok(ResourceNames {
                    prefix: format!("arn:{partition}:ivschat:{region}:{account}:"),
                })
            }
            _ => Err(IdError::NotAFunctionArn {
                arn: function_arn.to_owned(),
            }),
        }
    }

    /// `arn:PARTITION:ivschat:REGION:ACCOUNT:room/ID`.
    pub fn room(&self, id: &str) -> String {
        format!("{}room/{id}", self.prefix)
    }

    /// `arn:PARTITION:ivschat:REGION:ACCOUNT:logging-configuration/ID`.
    pub fn logging_configuration(&self, id: &str) -> String {
        format!("{}logging-configuration/{id}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_take_the_functions_account_and_region() {
        let names =
            ResourceNames::of_function("arn:aws:lambda:eu-west-1:123456789012:function:admin-api")
                .expect("a function ARN");
        assert_eq!(
            names.room("abcdEFGH1234"),
            "arn:aws:ivschat:eu-west-1:123456789012:room/abcdEFGH1234"
        );
        assert_eq!(
            names.logging_configuration("abcdEFGH1234"),
            "arn:aws:ivschat:eu-west-1:123456789012:logging-configuration/abcdEFGH1234"
        );
        let aliased =
            ResourceNames::of_function("arn:aws-cn:lambda:cn-north-1:123456789012:function:f:live")
                .expect("an alias ARN");
        assert_eq!(
            aliased.room("r"),
            "arn:aws-cn:ivschat:cn-north-1:123456789012:room/r"
        );
        assert!(matches!(
            ResourceNames::of_function("not-an-arn"),
            Err(IdError::NotAFunctionArn { .. })
        ));
    }

    #[test]
    fn resource_ids_are_twelve_letters_and_digits() {
        assert!(check_resource_id("abcdEFGH1234").is_ok());
        for bad in ["", "abc", "abcdEFGH123!", "abcdEFGH12345"] {
            assert_eq!(
                check_resource_id(bad),
                Err(IdError::NotAResourceId),
                "{bad}"
            );
        }
    }

    #[test]
    fn room_id_comes_from_a_room_arn_or_a_bare_id() {
        let arn = "arn:aws:ivschat:us-west-2:123456789012:room/g1H2I3j4k5L6";
        assert_eq!(
            RoomId::from_identifier(arn).expect("room ARN").as_str(),
            "g1H2I3j4k5L6"
        );
        assert_eq!(
            RoomId::from_identifier("lobby").expect("bare id").as_str(),
            "lobby"
        );
        assert!(
            RoomId::from_identifier("arn:aws:ivschat:us-west-2:1:logging-configuration/x").is_err()
        );
        assert!(RoomId::new("ROOM#x").is_err());
    }

    #[test]
    fn user_ids_count_characters_not_bytes() {
        assert_eq!(UserId::new(""), Err(IdError::EmptyUserId));
        assert_eq!(
            UserId::new("x".repeat(129)),
            Err(IdError::UserIdTooLong { chars: 129 })
        );
        assert!(UserId::new("é".repeat(128)).is_ok());
    }
}
