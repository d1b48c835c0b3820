//! Who may call what: the claims that describe a caller, the groups that make an administrator
//! or a moderator, and the check every administration and moderation route makes.

use super::caller::{Caller, SignedIn};
use super::error::ApiError;

/// The JWT claims a caller is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    /// `GROUPS_CLAIM` (default `cognito:groups`): the claim listing the caller's groups.
    pub groups: String,
    /// `NAME_CLAIM` (default `name`): the display name claim.
    pub name: String,
    /// `PICTURE_CLAIM` (default `picture`): the avatar URL claim.
    pub picture: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            groups: "cognito:groups".to_owned(),
            name: "name".to_owned(),
            picture: "picture".to_owned(),
        }
    }
}

/// The claims and groups of the HTTP API, read once at cold start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessConfig {
    pub claims: ClaimNames,
    /// `MODERATOR_GROUP` (default `moderators`): moderates chat.
    pub moderator_group: String,
    /// `ADMIN_GROUP` (default `admins`; empty for none): administers rooms, and moderates.
    pub admin_group: Option<String>,
    /// `FUNCTION_ARN` (unset by default): the function's own ARN, whose account and region
    /// are the resources', for runtimes that do not pass a real one (`cargo lambda watch`).
    /// The ARN of the invocation's context wins whenever it is one.
    pub function_arn: Option<String>,
}

impl Default for AccessConfig {
    fn default() -> Self {
        Self::from_lookup(|_| None)
    }
}

/// What a route needs of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Rooms, tags and logging configurations: the admin group.
    Administer,
    /// Messages, users, events and bans: the moderator group or the admin group.
    Moderate,
}

impl AccessConfig {
    /// Reads the settings through `lookup` (blank values count as unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let defaults = ClaimNames::default();
        AccessConfig {
            claims: ClaimNames {
                groups: get("GROUPS_CLAIM").unwrap_or(defaults.groups),
                name: get("NAME_CLAIM").unwrap_or(defaults.name),
                picture: get("PICTURE_CLAIM").unwrap_or(defaults.picture),
            },
            moderator_group: get("MODERATOR_GROUP").unwrap_or_else(|| "moderators".to_owned()),
            admin_group: match lookup("ADMIN_GROUP") {
                None => Some("admins".to_owned()),
                Some(v) if v.trim().is_empty() => None,
                Some(v) => Some(v.trim().to_owned()),
            },
            function_arn: get("FUNCTION_ARN"),
        }
    }

    /// `user` is in the admin group.
    pub fn is_admin(&self, user: &SignedIn) -> bool {
        self.admin_group
            .as_ref()
            .is_some_and(|group| user.groups.iter().any(|g| g == group))
    }

    /// `user` is in the moderator group or the admin group.
    pub fn is_moderator(&self, user: &SignedIn) -> bool {
        self.is_admin(user) || user.groups.contains(&self.moderator_group)
    }

    /// The signed-in caller when it holds `permission`: 401 for no caller, 403 for a caller
    /// outside the groups.
    pub fn authorize<'c>(
        &self,
        caller: &'c Caller,
        permission: Permission,
    ) -> Result<&'c SignedIn, ApiError> {
        let Caller::SignedIn(user) = caller else {
            return Err(ApiError::Unauthorized);
        };
        let allowed = match permission {
            Permission::Administer => self.is_admin(user),
            Permission::Moderate => self.is_moderator(user),
        };
        if allowed {
            Ok(user)
        } else {
            Err(ApiError::Forbidden(match permission {
                Permission::Administer => "only administrators may do this".to_owned(),
                Permission::Moderate => "only moderators may do this".to_owned(),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_function_arn_setting_is_read_and_off_by_default() {
        assert_eq!(AccessConfig::default().function_arn, None);
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:chat-token";
        let config = AccessConfig::from_lookup(|name| (name == "FUNCTION_ARN").then(|| arn.into()));
        assert_eq!(config.function_arn.as_deref(), Some(arn));
    }

    fn user(groups: &[&str]) -> Caller {
        Caller::SignedIn(SignedIn {
            user_id: "u".into(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            display_name: None,
            picture: None,
        })
    }

    #[test]
    fn admins_administer_and_moderate_moderators_only_moderate() {
        let config = AccessConfig::default();
        let admin = user(&["admins"]);
        let moderator = user(&["moderators"]);
        let plain = user(&["fans"]);
        assert!(config.authorize(&admin, Permission::Administer).is_ok());
        assert!(config.authorize(&admin, Permission::Moderate).is_ok());
        assert!(config.authorize(&moderator, Permission::Moderate).is_ok());
        assert_eq!(
            config
                .authorize(&moderator, Permission::Administer)
                .map(|_| ())
                .map_err(|e| e.status()),
            Err(403)
        );
        assert_eq!(
            config
                .authorize(&plain, Permission::Moderate)
                .map(|_| ())
                .map_err(|e| e.status()),
            Err(403)
        );
        assert_eq!(
            config
                .authorize(&Caller::Anonymous, Permission::Moderate)
                .map(|_| ())
                .map_err(|e| e.status()),
            Err(401)
        );
    }

    #[test]
    fn groups_and_claims_come_from_the_environment_and_an_empty_admin_group_is_none() {
        let config = AccessConfig::from_lookup(|name| match name {
            "GROUPS_CLAIM" => Some("groups".into()),
            "MODERATOR_GROUP" => Some(" mods ".into()),
            "ADMIN_GROUP" => Some("".into()),
            _ => None,
        });
        assert_eq!(config.claims.groups, "groups");
        assert_eq!(config.claims.name, "name");
        assert_eq!(config.moderator_group, "mods");
        assert_eq!(config.admin_group, None);
        assert!(config
            .authorize(&user(&["admins"]), Permission::Moderate)
            .is_err());
    }
}
