//! Reviews chat lines from standard input with the built-in policy and prints each one's
//! verdict, rewritten text and fired rules, tab-separated: a quick way to see what the engine
//! does with text of one's own (`printf 'oh f.u.c.k off\n' | cargo run --example review-lines`).

use std::io::{self, BufRead, Write};

use ivschat_moderation::{Moderator, RoomRef};

fn main() -> io::Result<()> {
    let moderator = Moderator::builtin()
        .map_err(|e| io::Error::other(format!("the built-in policy does not compile: {e}")))?;
    let room = RoomRef {
        id: "probe",
        name: None,
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    for line in io::stdin().lock().lines() {
        let line = line?;
        let decision = moderator.review(room, &line);
        let verdict = if decision.is_allow() {
            if decision.content == line {
                "pass"
            } else {
                "mask"
            }
        } else {
            "deny"
        };
        writeln!(
            out,
            "{verdict}\t{line}\t{}\t{}",
            decision.content,
            decision.rules_attribute()
        )?;
    }
    out.flush()
}
