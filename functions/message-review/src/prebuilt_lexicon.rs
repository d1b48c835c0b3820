//! The built-in policy's lexicon, compiled when the function was built (`build.rs`) and
//! embedded in it: registered at cold start, it spares the function compiling the word lists.

/// The snapshot of the built-in policy's lexicon (`ivschat_moderation::prebuilt`).
pub(crate) const BUILTIN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin-lexicon.bin"));

#[cfg(test)]
mod tests {
    use super::BUILTIN;
    use ivschat_moderation::{
        prebuilt, FailMode, Moderator, PolicySet, PolicySource, ReviewConfig,
    };

    #[test]
    fn the_built_in_policy_reads_its_lexicon_from_the_embedded_snapshot() {
        let read = Moderator::with_prebuilt(&PolicySet::builtin(), BUILTIN).expect("compiles");
        assert!(
            read.lexicon_prebuilt(),
            "the embedded snapshot was not used"
        );
        // As `main` does: registered, then the configured policy compiled.
        prebuilt::register(BUILTIN);
        let config = ReviewConfig {
            policy: PolicySource::Builtin,
            fail_mode: FailMode::Allow,
        };
        let moderator = config.moderator().expect("the built-in policy compiles");
        assert!(
            moderator.lexicon_prebuilt(),
            "the embedded snapshot was not used"
        );
        let compiled = Moderator::with_prebuilt(&PolicySet::builtin(), &[]).expect("compiles");
        assert!(!compiled.lexicon_prebuilt());
        let room = ivschat_moderation::RoomRef {
            id: "lobby",
            name: None,
        };
        for text in [
            "this lag is sh1t",
            "f u c k you",
            "hola pendejo",
            "你他媽的",
            "hello",
        ] {
            assert_eq!(
                moderator.review(room, text),
                compiled.review(room, text),
                "{text}"
            );
        }
    }
}
