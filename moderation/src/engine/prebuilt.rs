//! A policy's lexicon compiled ahead of time: written to bytes when a program is built (the
//! review function's build script), embedded in it, and read back at start-up instead of
//! compiling the word lists again, which is most of a cold start.
//!
//! A snapshot starts with what it was compiled from: the snapshot format, the crate's version
//! and a fingerprint of its source and data (`build.rs`), and the policy's [`Blocklists`] whole. It
//! is used only for those very lists and this very build of the crate; for any other, and for
//! bytes that cannot be read (cut short, not a snapshot), the lists are compiled as always.
//! The automata's tables are stored as little-endian bytes, read in one pass, so a snapshot
//! written on one machine reads the same on any other.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::lexicon::Lexicon;
use crate::policy::{Blocklists, PolicyError, PolicySet};

/// The first bytes of a snapshot.
const MAGIC: [u8; 8] = *b"ivslexi\0";
/// The layout of the snapshot; raised whenever what it holds changes shape.
const FORMAT: u32 = 2;
/// The crate's version.
const CRATE_VERSION: &str = env!("CARGO_PKG_VERSION");
/// A fingerprint of the crate's source and data, written by `build.rs`: two builds of the same
/// version from different code or word lists have different ones.
const CODE_FINGERPRINT: &str = env!("IVSCHAT_MODERATION_FINGERPRINT");

/// What a snapshot was compiled from: read first, and compared before the rest is read.
#[derive(Serialize, Deserialize)]
struct Header<'a> {
    magic: [u8; 8],
    format: u32,
    crate_version: &'a str,
    code_fingerprint: &'a str,
    blocklists: Blocklists,
}

/// Why a snapshot was not used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SnapshotError {
    #[error("no snapshot")]
    Empty,
    #[error("not a lexicon snapshot")]
    NotASnapshot,
    #[error("made by another build of the moderation crate")]
    OtherBuild,
    #[error("compiled from other word lists")]
    OtherLists,
    #[error("unreadable: {0}")]
    Unreadable(#[from] postcard::Error),
    #[error("bytes after its end")]
    TrailingBytes,
    #[error("its automaton tables do not hold together")]
    Inconsistent,
}

/// The snapshot registered for this process (`register`).
static REGISTERED: OnceLock<&'static [u8]> = OnceLock::new();

/// The snapshot of the lexicon compiled from `blocklists`.
pub fn write(blocklists: &Blocklists) -> Result<Vec<u8>, PolicyError> {
    let lexicon = Lexicon::compile(blocklists)?;
    let header = Header {
        magic: MAGIC,
        format: FORMAT,
        crate_version: CRATE_VERSION,
        code_fingerprint: CODE_FINGERPRINT,
        blocklists: blocklists.clone(),
    };
    let unwritable = |e: postcard::Error| PolicyError::Matcher(format!("lexicon snapshot: {e}"));
    let bytes = postcard::to_stdvec(&header).map_err(unwritable)?;
    postcard::to_extend(&lexicon, bytes).map_err(unwritable)
}

/// The snapshot of the lexicon of the built-in policy ([`PolicySet::builtin`]), for a build
/// script to embed in a program.
pub fn builtin() -> Result<Vec<u8>, PolicyError> {
    write(&PolicySet::builtin().default.blocklists)
}

/// Registers `snapshot` for this process: from then on, compiling a policy (as
/// [`Moderator::new`](crate::Moderator::new) and [`Moderator::builtin`](crate::Moderator::builtin)
/// do) reads its lexicon from the snapshot when the snapshot was compiled from the same word
/// lists by the same build of this crate, and compiles it otherwise. Call it once, before the
/// first policy is compiled; returns `false`, and changes nothing, when a snapshot was
/// registered already.
pub fn register(snapshot: &'static [u8]) -> bool {
    REGISTERED.set(snapshot).is_ok()
}

/// The registered snapshot, or no bytes.
pub(crate) fn registered() -> &'static [u8] {
    REGISTERED.get().copied().unwrap_or_default()
}

/// The lexicon of `blocklists` read from `snapshot`, when it was compiled from them by this
/// build of the crate.
pub(crate) fn read(snapshot: &[u8], blocklists: &Blocklists) -> Result<Lexicon, SnapshotError> {
    if snapshot.is_empty() {
        return Err(SnapshotError::Empty);
    }
    if !snapshot.starts_with(&MAGIC) {
        return Err(SnapshotError::NotASnapshot);
    }
    let (header, rest) = postcard::take_from_bytes::<Header<'_>>(snapshot)?;
    if header.format != FORMAT
        || header.crate_version != CRATE_VERSION
        || header.code_fingerprint != CODE_FINGERPRINT
    {
        return Err(SnapshotError::OtherBuild);
    }
    if header.blocklists != *blocklists {
        return Err(SnapshotError::OtherLists);
    }
    let (lexicon, rest) = postcard::take_from_bytes::<Lexicon>(rest)?;
    if !rest.is_empty() {
        return Err(SnapshotError::TrailingBytes);
    }
    if !lexicon.is_consistent() {
        return Err(SnapshotError::Inconsistent);
    }
    Ok(lexicon)
}

/// A table of `u32` written as little-endian bytes, and read back in one pass (not word by
/// word through the format's variable-length integers: the automata hold millions).
pub(super) mod le_words {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};

    pub(in crate::engine) fn serialize<S: Serializer>(
        words: &[u32],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        serializer.serialize_bytes(&bytes)
    }

    pub(in crate::engine) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u32>, D::Error> {
        deserializer.deserialize_bytes(Words)
    }

    struct Words;

    impl Visitor<'_> for Words {
        type Value = Vec<u32>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number of little-endian 32-bit words")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<u32>, E> {
            let words = bytes.chunks_exact(4);
            if !words.remainder().is_empty() {
                return Err(E::invalid_length(bytes.len(), &self));
            }
            Ok(words
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                .collect())
        }
    }
}

/// A table of one byte per byte value, written as its 256 bytes.
pub(super) mod byte_table {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};

    pub(in crate::engine) fn serialize<S: Serializer>(
        table: &[u8; 256],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(table)
    }

    pub(in crate::engine) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<[u8; 256], D::Error> {
        deserializer.deserialize_bytes(Table)
    }

    pub(super) struct Table;

    impl Visitor<'_> for Table {
        type Value = [u8; 256];

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("256 bytes")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<[u8; 256], E> {
            bytes
                .try_into()
                .map_err(|_| E::invalid_length(bytes.len(), &self))
        }
    }
}

/// A yes or no per byte value, written as 256 bytes of 0 or 1.
pub(super) mod flag_table {
    use serde::de::Error;
    use serde::{Deserializer, Serializer};

    pub(in crate::engine) fn serialize<S: Serializer>(
        flags: &[bool; 256],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&flags.map(u8::from))
    }

    pub(in crate::engine) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<[bool; 256], D::Error> {
        let bytes = deserializer.deserialize_bytes(super::byte_table::Table)?;
        if bytes.iter().any(|&b| b > 1) {
            return Err(D::Error::custom("a flag other than 0 or 1"));
        }
        Ok(bytes.map(|b| b == 1))
    }
}
