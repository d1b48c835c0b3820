//! The filters that run in Node and Python: each runner is a child process that reads the
//! corpus file, times its libraries one after the other on one thread, and prints JSON.
//!
//! A runner prints `{"engines": [...]}`, one object per library: `engine`, `version`, and
//! either `flagged` (the ids of the lines it flagged), `timed_messages` and `seconds`, or
//! `error` when the library failed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::report::Run;
use crate::timing::{Measured, Timing};

/// A child process that runs some peers.
#[derive(Debug, Clone)]
pub struct Runner {
    /// Short name for messages: `node`, `python`.
    pub name: &'static str,
    pub program: PathBuf,
    pub script: PathBuf,
}

/// Why a runner gave no usable report.
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    #[error("cannot start the {runner} runner ({program}): {source}")]
    Spawn {
        runner: &'static str,
        program: String,
        source: std::io::Error,
    },
    #[error("the {runner} runner exited with {status}")]
    Exit {
        runner: &'static str,
        status: std::process::ExitStatus,
    },
    #[error("the {runner} runner printed no valid report: {source}")]
    Report {
        runner: &'static str,
        source: serde_json::Error,
    },
}

#[derive(Debug, Deserialize)]
struct Report {
    engines: Vec<EngineReport>,
}

#[derive(Debug, Deserialize)]
struct EngineReport {
    engine: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    flagged: Vec<usize>,
    #[serde(default)]
    timed_messages: u64,
    #[serde(default)]
    seconds: f64,
    #[serde(default)]
    error: Option<String>,
}

impl Runner {
    /// Runs the script on `corpus` and returns each peer's outcome. The runner's stderr (its
    /// progress lines) goes to ours.
    pub fn run(
        &self,
        corpus: &Path,
        lines: usize,
        timing: Timing,
    ) -> Result<Vec<Run>, RunnerError> {
        let output = Command::new(&self.program)
            .arg(&self.script)
            .arg("--corpus")
            .arg(corpus)
            .arg("--passes")
            .arg(timing.passes.to_string())
            .arg("--budget-secs")
            .arg(timing.budget.as_secs_f64().to_string())
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|source| RunnerError::Spawn {
                runner: self.name,
                program: self.program.display().to_string(),
                source,
            })?;
        if !output.status.success() {
            return Err(RunnerError::Exit {
                runner: self.name,
                status: output.status,
            });
        }
        parse_report(self.name, &output.stdout, lines)
    }
}

/// Reads a runner's JSON report for a corpus of `lines` lines.
pub fn parse_report(
    runner: &'static str,
    stdout: &[u8],
    lines: usize,
) -> Result<Vec<Run>, RunnerError> {
    let report: Report =
        serde_json::from_slice(stdout).map_err(|source| RunnerError::Report { runner, source })?;
    Ok(report
        .engines
        .into_iter()
        .map(|e| {
            let outcome = match e.error {
                Some(error) => Err(error),
                None => flags_from_ids(&e.flagged, lines).map(|flagged| Measured {
                    flagged,
                    timed_messages: e.timed_messages,
                    seconds: e.seconds,
                }),
            };
            Run {
                engine: e.engine,
                version: e.version,
                outcome,
            }
        })
        .collect())
}

fn flags_from_ids(ids: &[usize], lines: usize) -> Result<Vec<bool>, String> {
    let mut flagged = vec![false; lines];
    for &id in ids {
        let slot = flagged
            .get_mut(id)
            .ok_or_else(|| format!("reported line {id}, but the corpus has {lines} lines"))?;
        *slot = true;
    }
    Ok(flagged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_turns_flagged_ids_into_per_line_flags() {
        let json = br#"{"engines":[
            {"engine":"a","version":"1.0.0","flagged":[0,2],"timed_messages":30,"seconds":0.5},
            {"engine":"b","version":"2.0.0","error":"TypeError: boom"}
        ]}"#;
        let runs = parse_report("node", json, 3).expect("valid report");
        assert_eq!(runs.len(), 2);
        let a = runs[0].outcome.as_ref().expect("a ran");
        assert_eq!(a.flagged, [true, false, true]);
        assert_eq!(a.messages_per_second(), 60.0);
        assert_eq!(runs[1].outcome, Err("TypeError: boom".to_owned()));
    }

    #[test]
    fn an_id_outside_the_corpus_is_that_peers_error() {
        let json = br#"{"engines":[{"engine":"a","flagged":[5],"timed_messages":1,"seconds":1}]}"#;
        let runs = parse_report("node", json, 3).expect("valid report");
        assert!(runs[0]
            .outcome
            .as_ref()
            .is_err_and(|e| e.contains("line 5")));
    }

    #[test]
    fn output_that_is_not_a_report_is_the_runners_error() {
        let err = parse_report("python", b"Traceback (most recent call last)", 3);
        assert!(matches!(
            err,
            Err(RunnerError::Report {
                runner: "python",
                ..
            })
        ));
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let runner = Runner {
            name: "node",
            program: PathBuf::from("/nonexistent/node-for-test"),
            script: PathBuf::from("bench.mjs"),
        };
        let timing = Timing {
            passes: 1,
            budget: std::time::Duration::from_secs(1),
        };
        let err = runner.run(Path::new("corpus.jsonl"), 3, timing);
        assert!(matches!(
            err,
            Err(RunnerError::Spawn { runner: "node", .. })
        ));
    }
}
