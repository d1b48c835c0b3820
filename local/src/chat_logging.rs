//! Chat logging
//! (<https://docs.aws.amazon.com/ivs/latest/ChatUserGuide/chat-logging.html>): every MESSAGE
//! and EVENT delivered in a room with logging configurations is written as a v1.0 record to
//! each configuration's destination. Locally the destinations are files under the data
//! directory, laid out like their AWS counterparts:
//!
//! - S3: `s3/<bucket>/AWSLogs/<account>/IVSChatLogs/1.0/<region>/room_<id>/YYYY/MM/DD/HH/`
//!   `<account>_IVSChatLogs_1.0_<region>_room_<id>_YYYYMMDDTHH00Z.log.gz`, gzip of
//!   newline-delimited records (one gzip member per record, which gzip readers concatenate);
//! - CloudWatch Logs: `cloudwatch-logs/<group>/<stream>.ndjson` with the stream
//!   `aws/IVSChatLogs/1.0/room_<id>`, one log event per line:
//!   `{"timestamp": <epoch ms>, "message": "<record>"}`;
//! - Firehose: `firehose/<stream>.ndjson`, one record per line.
//!
//! Each bucket, log group, log stream and delivery stream name becomes exactly one path
//! component ([`path_component`]): a valid name such as `..`, `.` or `a/../../x` (all fine
//! log group names) lands in a folder or file of its own, never outside its destination's
//! folder.
//!
//! Records are written by a background task, in order, so delivery never waits on the disk.
//! The same task hands each CloudWatch Logs event to the log group's subscription filters
//! ([`crate::log_subscriptions`]), if it has any.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use time::macros::format_description;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::control_plane::output::timestamp;
use crate::log_subscriptions::{LogEvent, LogSubscriptions};
use crate::state::{Destination, ServiceState};

/// `type` of a chat-log record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordType {
    Message,
    Event,
}

impl RecordType {
    fn as_str(self) -> &'static str {
        match self {
            RecordType::Message => "MESSAGE",
            RecordType::Event => "EVENT",
        }
    }
}

/// One line to write to one destination.
struct PendingRecord {
    destination: Destination,
    region: String,
    room_id: String,
    time: OffsetDateTime,
    record: String,
}

/// Writes chat-log records for rooms that have logging configurations.
pub struct ChatLogger {
    state: Arc<ServiceState>,
    queue: mpsc::UnboundedSender<PendingRecord>,
}

impl ChatLogger {
    /// Starts the writer task for `data_dir`; CloudWatch Logs events also go to
    /// `subscriptions`.
    pub fn start(
        state: Arc<ServiceState>,
        data_dir: PathBuf,
        subscriptions: Option<LogSubscriptions>,
    ) -> Arc<Self> {
        let (queue, receiver) = mpsc::unbounded_channel();
        let account_id = state.account_id().to_owned();
        tokio::spawn(write_records(
            Writer {
                data_dir,
                account_id,
                files: HashMap::new(),
            },
            receiver,
            subscriptions,
        ));
        Arc::new(ChatLogger { state, queue })
    }

    /// Records a delivered frame of a room, if the room logs anywhere.
    pub fn log(
        &self,
        region: &str,
        room_id: &str,
        kind: RecordType,
        frame: &str,
        time: OffsetDateTime,
    ) {
        let region_state = self.state.region(region);
        let Some(limits) = region_state.room_limits(room_id) else {
            return;
        };
        if limits.logging_configuration_ids.is_empty() {
            return;
        }
        let record = format!(
            r#"{{"event_timestamp":"{}","type":"{}","payload":{frame},"version":"1.0"}}"#,
            timestamp(time),
            kind.as_str()
        );
        for id in &limits.logging_configuration_ids {
            // A configuration deleted meanwhile simply stops receiving records.
            if let Ok(config) = region_state.get_logging_configuration(id) {
                let _ = self.queue.send(PendingRecord {
                    destination: config.destination,
                    region: region.to_owned(),
                    room_id: room_id.to_owned(),
                    time,
                    record: record.clone(),
                });
            }
        }
    }
}

/// Longest file name most file systems take, in bytes.
const MAX_COMPONENT_BYTES: usize = 255;
/// How much of an over-long encoded name is kept before its digest.
const KEPT_PREFIX_BYTES: usize = 180;

/// A destination name as one path component, never `.`, `..`, hidden or spanning folders:
/// every byte other than ASCII letters, digits and `. _ - #` is written `%XX` (so `/` is
/// `%2F` and `%` is `%25`), and a leading `.` is written `%2E`. Ordinary names stay as they
/// are. An encoding longer than 255 bytes (a log group name may have 512 characters) keeps
/// its first 180 bytes, then `~` and the SHA-256 of the name in hex; `~` never occurs
/// otherwise, so distinct names still get distinct components.
pub fn path_component(name: &str) -> String {
    let mut encoded = String::with_capacity(name.len());
    for (index, byte) in name.bytes().enumerate() {
        let plain = byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-' | b'#');
        if plain && !(index == 0 && byte == b'.') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    if encoded.is_empty() {
        // Names have at least one character; an empty one still gets a component.
        return "%".to_owned();
    }
    if encoded.len() > MAX_COMPONENT_BYTES {
        // The encoding is ASCII, so any byte offset is a character boundary.
        encoded.truncate(KEPT_PREFIX_BYTES);
        encoded.push('~');
        encoded.push_str(&hex::encode(Sha256::digest(name.as_bytes())));
    }
    encoded
}

struct Writer {
    data_dir: PathBuf,
    account_id: String,
    files: HashMap<PathBuf, File>,
}

/// The log stream IVS Chat writes a room's records to.
pub fn log_stream_name(room_id: &str) -> String {
    format!("aws/IVSChatLogs/1.0/room_{room_id}")
}

fn epoch_millis(time: OffsetDateTime) -> i64 {
    i64::try_from(time.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

async fn write_records(
    mut writer: Writer,
    mut receiver: mpsc::UnboundedReceiver<PendingRecord>,
    subscriptions: Option<LogSubscriptions>,
) {
    while let Some(write) = receiver.recv().await {
        // Small appends to local files: cheap enough to do on the runtime's thread.
        if let Err(error) = writer.write(&write) {
            tracing::warn!(
                "chat log record for room {} not written: {error}",
                write.room_id
            );
        }
        // The event is in the log group even when its local file could not be written.
        if let (Some(subscriptions), Destination::CloudWatchLogs { log_group_name }) =
            (&subscriptions, &write.destination)
        {
            subscriptions.publish(LogEvent {
                log_group_name: log_group_name.clone(),
                log_stream_name: log_stream_name(&write.room_id),
                timestamp_ms: epoch_millis(write.time),
                message: write.record.clone(),
            });
        }
    }
}

impl Writer {
    fn path(&self, write: &PendingRecord) -> PathBuf {
        let account = &self.account_id;
        let (region, room) = (&write.region, &write.room_id);
        match &write.destination {
            Destination::S3 { bucket_name } => {
                let hour = write
                    .time
                    .format(format_description!("[year]/[month]/[day]/[hour]"))
                    .unwrap_or_default();
                let stamp = write
                    .time
                    .format(format_description!("[year][month][day]T[hour]00Z"))
                    .unwrap_or_default();
                self.data_dir
                    .join("s3")
                    .join(path_component(bucket_name))
                    .join(format!(
                        "AWSLogs/{account}/IVSChatLogs/1.0/{region}/room_{room}/{hour}"
                    ))
                    .join(format!(
                        "{account}_IVSChatLogs_1.0_{region}_room_{room}_{stamp}.log.gz"
                    ))
            }
            Destination::CloudWatchLogs { log_group_name } => self
                .data_dir
                .join("cloudwatch-logs")
                .join(path_component(log_group_name))
                .join(format!("{}.ndjson", path_component(&log_stream_name(room)))),
            Destination::Firehose {
                delivery_stream_name,
            } => self
                .data_dir
                .join("firehose")
                .join(format!("{}.ndjson", path_component(delivery_stream_name))),
        }
    }

    fn write(&mut self, write: &PendingRecord) -> std::io::Result<()> {
        let path = self.path(write);
        let bytes = match &write.destination {
            Destination::S3 { .. } => {
                let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
                encoder.write_all(write.record.as_bytes())?;
                encoder.write_all(b"\n")?;
                encoder.finish()?
            }
            Destination::CloudWatchLogs { .. } => {
                let event = serde_json::json!({
                    "timestamp": epoch_millis(write.time),
                    "message": write.record,
                });
                let mut line = serde_json::to_vec(&event).map_err(std::io::Error::other)?;
                line.push(b'\n');
                line
            }
            Destination::Firehose { .. } => format!("{}\n", write.record).into_bytes(),
        };
        let file = match self.files.get_mut(&path) {
            Some(file) => file,
            None => {
                let file = open_append(&path)?;
                self.files.entry(path).or_insert(file)
            }
        };
        file.write_all(&bytes)
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    OpenOptions::new().create(true).append(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> Writer {
        Writer {
            data_dir: PathBuf::from("/data"),
            account_id: "123456789012".into(),
            files: HashMap::new(),
        }
    }

    fn path_for(destination: Destination) -> PathBuf {
        writer().path(&PendingRecord {
            destination,
            region: "us-west-2".into(),
            room_id: "AbCdEfGhIjKl".into(),
            time: OffsetDateTime::UNIX_EPOCH,
            record: String::new(),
        })
    }

    #[test]
    fn names_with_slashes_become_single_file_names() {
        assert_eq!(
            path_component("/aws/ivschat/room-logs"),
            "%2Faws%2Fivschat%2Froom-logs"
        );
        assert_eq!(path_component("chat-logs.v2_#1"), "chat-logs.v2_#1");
        assert_eq!(path_component("50%"), "50%25");
    }

    /// Valid names (a log group name may be any of `[.-_/#A-Za-z0-9]`, a stream name any of
    /// `[a-zA-Z0-9_.-]`, a bucket any of `[a-z0-9-.]`) must each map to a file in a folder of
    /// their own under their destination's folder.
    #[test]
    fn dot_and_slash_names_stay_in_their_destinations_folder() {
        use std::path::Component;
        let odd = [
            ".",
            "..",
            "...",
            "a/../../x",
            "../x",
            "./.",
            "/",
            "//..//",
            ".hidden",
        ];
        let mut groups = std::collections::HashSet::new();
        for name in odd {
            let path = path_for(Destination::CloudWatchLogs {
                log_group_name: name.into(),
            });
            assert!(
                path.components()
                    .all(|c| matches!(c, Component::RootDir | Component::Normal(_))),
                "{name:?} gives {path:?}"
            );
            let group = path.parent().expect("a group folder");
            assert_eq!(
                group.parent(),
                Some(Path::new("/data/cloudwatch-logs")),
                "{name:?}"
            );
            assert!(
                groups.insert(group.to_path_buf()),
                "{name:?} shares {group:?}"
            );

            let path = path_for(Destination::Firehose {
                delivery_stream_name: name.into(),
            });
            assert_eq!(path.parent(), Some(Path::new("/data/firehose")), "{name:?}");
            assert!(
                path.components()
                    .all(|c| matches!(c, Component::RootDir | Component::Normal(_))),
                "{name:?} gives {path:?}"
            );

            let path = path_for(Destination::S3 {
                bucket_name: name.into(),
            });
            assert!(
                path.starts_with(format!("/data/s3/{}/AWSLogs", path_component(name))),
                "{name:?} gives {path:?}"
            );
            assert!(
                path.components()
                    .all(|c| matches!(c, Component::RootDir | Component::Normal(_))),
                "{name:?} gives {path:?}"
            );
        }
        assert_eq!(path_component(".."), "%2E.");
        assert_eq!(path_component("."), "%2E");
        assert_eq!(path_component("a/../../x"), "a%2F..%2F..%2Fx");
    }

    #[test]
    fn the_longest_names_still_fit_one_file_name_and_stay_distinct() {
        let a = "/".repeat(512);
        let b = format!("{}a", "/".repeat(511));
        let (ea, eb) = (path_component(&a), path_component(&b));
        assert!(ea.len() <= MAX_COMPONENT_BYTES && eb.len() <= MAX_COMPONENT_BYTES);
        assert_ne!(ea, eb);
        let fits = "g".repeat(255);
        assert_eq!(path_component(&fits), fits);
    }

    #[test]
    fn s3_objects_are_laid_out_like_ivs_chat_logs() {
        let writer = writer();
        let time = OffsetDateTime::from_unix_timestamp(1_672_929_212)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let path = writer.path(&PendingRecord {
            destination: Destination::S3 {
                bucket_name: "logs".into(),
            },
            region: "us-west-2".into(),
            room_id: "AbCdEfGhIjKl".into(),
            time,
            record: String::new(),
        });
        assert_eq!(
            path,
            PathBuf::from("/data/s3/logs/AWSLogs/123456789012/IVSChatLogs/1.0/us-west-2/room_AbCdEfGhIjKl/2023/01/05/14/123456789012_IVSChatLogs_1.0_us-west-2_room_AbCdEfGhIjKl_20230105T1400Z.log.gz")
        );
    }
}
