//! The audit log: one line for every administration and moderation request, saying who did
//! what to which room or user, when, and with what result. Lines go to the function's log
//! (CloudWatch Logs in AWS) under the `audit` target, as JSON with the Lambda JSON log format.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// One audited action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// The caller's user id (`sub`), or `(anonymous)`.
    pub actor: String,
    /// The operation, e.g. `CreateRoom`, `BanUser`.
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Another target: a logging configuration id, a message id, an event name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
    /// The answer's status.
    pub status: u16,
    /// `ok`, or the error code of the answer.
    pub result: &'static str,
    pub request_id: String,
}

impl AuditEntry {
    /// An entry stamped `now`.
    pub fn new(actor: &str, action: &'static str, request_id: &str, now: OffsetDateTime) -> Self {
        AuditEntry {
            actor: actor.to_owned(),
            action,
            room_id: None,
            user_id: None,
            target: None,
            at: now.format(&Rfc3339).unwrap_or_default(),
            status: 0,
            result: "ok",
            request_id: request_id.to_owned(),
        }
    }

    /// The JSON line.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes the entry to the log.
    pub fn write(&self) {
        tracing::info!(target: "audit", audit = %self.to_json(), "audit");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_names_who_what_which_when_and_the_result() {
        let mut entry = AuditEntry::new(
            "mod-1",
            "BanUser",
            "req-9",
            time::macros::datetime!(2026-11-26 10:00 UTC),
        );
        entry.room_id = Some("abcdefABCDEF".into());
        entry.user_id = Some("troll".into());
        entry.status = 201;
        let line: serde_json::Value = serde_json::from_str(&entry.to_json()).expect("json");
        assert_eq!(line["actor"], "mod-1");
        assert_eq!(line["action"], "BanUser");
        assert_eq!(line["roomId"], "abcdefABCDEF");
        assert_eq!(line["userId"], "troll");
        assert_eq!(line["at"], "2026-11-26T10:00:00Z");
        assert_eq!(line["status"], 201);
        assert_eq!(line["result"], "ok");
        assert_eq!(line["requestId"], "req-9");
        assert!(line.get("target").is_none());
    }
}
