//! Chat logging (DIGEST §4): every MESSAGE and EVENT delivered in a room with logging
//! configurations is written as a v1.0 record to each configuration's destination. Locally
//! the destinations are files under the data directory, laid out like their AWS counterparts:
//!
//! - S3: `s3/<bucket>/AWSLogs/<account>/IVSChatLogs/1.0/<region>/room_<id>/YYYY/MM/DD/HH/`
//!   `<account>_IVSChatLogs_1.0_<region>_room_<id>_YYYYMMDDTHH00Z.log.gz`, gzip of
//!   newline-delimited records (one gzip member per record, which gzip readers concatenate);
//! - CloudWatch Logs: `cloudwatch-logs/<group>/<stream>.ndjson` with the stream
//!   `aws/IVSChatLogs/1.0/room_<id>` (`/` in names written as `%2F`), one log event per line:
//!   `{"timestamp": <epoch ms>, "message": "<record>"}`;
//! - Firehose: `firehose/<stream>.ndjson`, one record per line.
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

/// `/` cannot be in a file name; CloudWatch Logs names often contain it.
fn file_name(name: &str) -> String {
    name.replace('%', "%25").replace('/', "%2F")
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
                    .join(bucket_name)
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
                .join(file_name(log_group_name))
                .join(format!("{}.ndjson", file_name(&log_stream_name(room)))),
            Destination::Firehose {
                delivery_stream_name,
            } => self
                .data_dir
                .join("firehose")
                .join(format!("{}.ndjson", file_name(delivery_stream_name))),
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

    #[test]
    fn names_with_slashes_become_single_file_names() {
        assert_eq!(
            file_name("/aws/ivschat/room-logs"),
            "%2Faws%2Fivschat%2Froom-logs"
        );
    }

    #[test]
    fn s3_objects_are_laid_out_like_ivs_chat_logs() {
        let writer = Writer {
            data_dir: PathBuf::from("/data"),
            account_id: "123456789012".into(),
            files: HashMap::new(),
        };
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
