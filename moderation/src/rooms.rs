//! Chooses the policy of a room by its id or by a pattern on its name.

/// The room a message was sent to, as the review handler knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomRef<'a> {
    /// The room id, the last segment of its ARN.
    pub id: &'a str,
    /// The room name, when the caller knows it (it is not in the review payload).
    pub name: Option<&'a str>,
}

impl<'a> RoomRef<'a> {
    /// The room of a `RoomArn` such as `arn:aws:ivschat:us-west-2:123456789012:room/abcd1234`.
    pub fn from_arn(arn: &'a str) -> Self {
        Self {
            id: room_id(arn),
            name: None,
        }
    }
}

/// The room id in a room ARN, or the text itself when it holds no `/`.
pub(crate) fn room_id(id_or_arn: &str) -> &str {
    id_or_arn.rsplit('/').next().unwrap_or(id_or_arn)
}

/// The compiled `rooms[i]` selector of a policy set.
#[derive(Debug, Clone)]
pub(crate) struct RoomSelector {
    pub(crate) ids: Vec<String>,
    pub(crate) names: Vec<String>,
}

impl RoomSelector {
    pub(crate) fn new(ids: &[String], names: &[String]) -> Self {
        Self {
            ids: ids.iter().map(|i| room_id(i.trim()).to_owned()).collect(),
            names: names.to_vec(),
        }
    }

    pub(crate) fn selects(&self, room: RoomRef<'_>) -> bool {
        self.ids.iter().any(|id| id == room.id)
            || room
                .name
                .is_some_and(|name| self.names.iter().any(|p| glob(p, name)))
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_stars_match_any_run() {
        assert!(glob("kids-*", "kids-minecraft"));
        assert!(glob("*-en-*", "lobby-en-2"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
        assert!(!glob("kids-*", "adults-kids-x"));
        assert!(glob("a*a", "aa"));
        assert!(!glob("ab*ba", "aba"));
    }

    #[test]
    fn room_id_is_the_last_arn_segment() {
        let room = RoomRef::from_arn("arn:aws:ivschat:us-west-2:123456789012:room/abcd1234");
        assert_eq!(room.id, "abcd1234");
    }

    #[test]
    fn selectors_match_ids_given_as_arns_too() {
        let s = RoomSelector::new(&["arn:aws:ivschat:us-west-2:1:room/r1".into()], &[]);
        assert!(s.selects(RoomRef {
            id: "r1",
            name: None
        }));
        assert!(!s.selects(RoomRef {
            id: "r2",
            name: Some("r1")
        }));
    }
}
