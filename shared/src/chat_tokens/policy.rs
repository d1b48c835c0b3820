//! What a caller may do: the role its groups give, the capabilities of that role (a caller may
//! ask for fewer, never more), and whether the room's access tags let it in.

use std::collections::HashMap;

use super::config::ChatTokenConfig;
use crate::http_api::{ApiError, Caller};
use crate::room_tags;

/// A chat token capability (IVS Chat `ChatTokenCapability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    SendMessage,
    DeleteMessage,
    DisconnectUser,
}

impl Capability {
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::SendMessage => "SEND_MESSAGE",
            Capability::DeleteMessage => "DELETE_MESSAGE",
            Capability::DisconnectUser => "DISCONNECT_USER",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "SEND_MESSAGE" => Some(Capability::SendMessage),
            "DELETE_MESSAGE" => Some(Capability::DeleteMessage),
            "DISCONNECT_USER" => Some(Capability::DisconnectUser),
            _ => None,
        }
    }
}

/// What the caller is in chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Watches only: anonymous callers, and members of the viewers group when one is set.
    Viewer,
    /// Signed in: may send messages.
    User,
    /// In the moderators (or admins) group: may also delete messages and disconnect users.
    Moderator,
}

impl Role {
    pub fn of(caller: &Caller, config: &ChatTokenConfig) -> Role {
        let Caller::SignedIn(user) = caller else {
            return Role::Viewer;
        };
        let member = |group: &Option<String>| {
            group
                .as_ref()
                .is_some_and(|g| user.groups.iter().any(|ug| ug == g))
        };
        if config.access.is_moderator(user) {
            Role::Moderator
        } else if member(&config.viewer_group) {
            Role::Viewer
        } else {
            Role::User
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::User => "user",
            Role::Moderator => "moderator",
        }
    }

    /// Everything the role may have.
    pub fn capabilities(self) -> &'static [Capability] {
        match self {
            Role::Viewer => &[],
            Role::User => &[Capability::SendMessage],
            Role::Moderator => &[
                Capability::SendMessage,
                Capability::DeleteMessage,
                Capability::DisconnectUser,
            ],
        }
    }
}

/// The capabilities to grant: the role's, or the asked ones if they are all the role's.
pub fn grant(role: Role, asked: Option<&[Capability]>) -> Result<Vec<Capability>, ApiError> {
    let allowed = role.capabilities();
    let Some(asked) = asked else {
        return Ok(allowed.to_vec());
    };
    if let Some(extra) = asked.iter().find(|c| !allowed.contains(c)) {
        return Err(ApiError::Forbidden(format!(
            "a {} may not have the {} capability",
            role.as_str(),
            extra.as_str()
        )));
    }
    let mut granted = asked.to_vec();
    granted.sort();
    granted.dedup();
    Ok(granted)
}

/// A room's access rules, from its tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomAccess {
    /// `None`: public (any signed-in user). `Some(groups)`: members-only.
    pub member_groups: Option<Vec<String>>,
    pub anonymous_view: bool,
}

impl RoomAccess {
    /// The rules of a room with these tags; unknown access values are treated as members-only
    /// with no groups (closed), never as public.
    pub fn from_tags(tags: &HashMap<String, String>) -> RoomAccess {
        let member_groups = match tags.get(room_tags::ACCESS).map(|v| v.trim()) {
            None | Some("") | Some("public") => None,
            Some(_) => Some(
                tags.get(room_tags::MEMBER_GROUPS)
                    .map(|g| g.split_whitespace().map(str::to_owned).collect())
                    .unwrap_or_default(),
            ),
        };
        RoomAccess {
            member_groups,
            anonymous_view: tags
                .get(room_tags::ANONYMOUS_VIEW)
                .is_some_and(|v| v.trim() == "true"),
        }
    }

    /// Whether the caller may join; moderators may join every room.
    pub fn admit(&self, caller: &Caller, role: Role) -> Result<(), ApiError> {
        match caller {
            Caller::Anonymous if self.anonymous_view => Ok(()),
            Caller::Anonymous => Err(ApiError::SignInRequired),
            Caller::SignedIn(_) if role == Role::Moderator => Ok(()),
            Caller::SignedIn(user) => match &self.member_groups {
                None => Ok(()),
                Some(groups) if user.groups.iter().any(|g| groups.contains(g)) => Ok(()),
                Some(_) => Err(ApiError::Forbidden(
                    "this room is for members only".to_owned(),
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http_api::SignedIn;

    fn user(groups: &[&str]) -> Caller {
        Caller::SignedIn(SignedIn {
            user_id: "u".into(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            display_name: None,
            picture: None,
        })
    }

    #[test]
    fn roles_come_from_groups() {
        let config = ChatTokenConfig::for_tests();
        assert_eq!(Role::of(&Caller::Anonymous, &config), Role::Viewer);
        assert_eq!(Role::of(&user(&[]), &config), Role::User);
        assert_eq!(Role::of(&user(&["moderators"]), &config), Role::Moderator);
        assert_eq!(Role::of(&user(&["admins"]), &config), Role::Moderator);
    }

    #[test]
    fn a_caller_may_ask_for_fewer_capabilities_never_more() {
        assert_eq!(
            grant(Role::Moderator, Some(&[Capability::SendMessage])).expect("fewer"),
            vec![Capability::SendMessage]
        );
        assert_eq!(
            grant(Role::User, None).expect("default"),
            vec![Capability::SendMessage]
        );
        assert!(matches!(
            grant(Role::User, Some(&[Capability::DeleteMessage])),
            Err(ApiError::Forbidden(_))
        ));
        assert!(grant(Role::Viewer, Some(&[])).expect("none").is_empty());
    }

    #[test]
    fn members_only_rooms_admit_members_and_moderators() {
        let tags = HashMap::from([
            (room_tags::ACCESS.to_owned(), "members".to_owned()),
            (
                room_tags::MEMBER_GROUPS.to_owned(),
                "vip subscribers".to_owned(),
            ),
        ]);
        let access = RoomAccess::from_tags(&tags);
        assert!(access.admit(&user(&["vip"]), Role::User).is_ok());
        assert!(access.admit(&user(&["other"]), Role::User).is_err());
        assert!(access
            .admit(&user(&["moderators"]), Role::Moderator)
            .is_ok());
        assert!(matches!(
            access.admit(&Caller::Anonymous, Role::Viewer),
            Err(ApiError::SignInRequired)
        ));
    }

    #[test]
    fn anonymous_viewers_need_the_rooms_consent() {
        let open = RoomAccess::from_tags(&HashMap::from([(
            room_tags::ANONYMOUS_VIEW.to_owned(),
            "true".to_owned(),
        )]));
        assert!(open.admit(&Caller::Anonymous, Role::Viewer).is_ok());
        let closed = RoomAccess::from_tags(&HashMap::new());
        assert!(closed.admit(&Caller::Anonymous, Role::Viewer).is_err());
        assert!(
            closed.admit(&user(&[]), Role::User).is_ok(),
            "public by default"
        );
        let odd = RoomAccess::from_tags(&HashMap::from([(
            room_tags::ACCESS.to_owned(),
            "secret".to_owned(),
        )]));
        assert!(
            odd.admit(&user(&[]), Role::User).is_err(),
            "unknown access is closed"
        );
    }
}
