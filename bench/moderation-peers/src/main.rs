//! Writes the labelled corpus, runs every filter over it on one thread (ours, `rustrict` and
//! the naive baseline in this process, the npm and PyPI peers as child processes), and prints
//! the comparison table.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ivschat_moderation::PolicyError;
use moderation_peers::corpus::{self, Form, Line, Set, Spec};
use moderation_peers::engines::{Filter, Naive, NaiveError, Ours, Rustrict};
use moderation_peers::peers::Runner;
use moderation_peers::report::{self, Run};
use moderation_peers::timing::{self, Timing};

/// Compare the moderation engine with other profanity filters on one labelled chat corpus.
#[derive(Debug, Parser)]
struct Args {
    /// Seed of the corpus generator.
    #[arg(long, default_value_t = Spec::default().seed)]
    seed: u64,
    /// Clean chat lines.
    #[arg(long, default_value_t = Spec::default().clean)]
    clean: usize,
    /// Innocent (Scunthorpe) lines.
    #[arg(long, default_value_t = Spec::default().innocent)]
    innocent: usize,
    /// Evasion lines per evasion form.
    #[arg(long, default_value_t = Spec::default().per_form)]
    per_form: usize,
    /// Where to write the corpus, as JSON Lines.
    #[arg(long, default_value = "target/moderation-peers/corpus.jsonl")]
    corpus: PathBuf,
    /// Where to write the lines some filter got wrong, as JSON Lines.
    #[arg(long, default_value = "target/moderation-peers/misjudged.jsonl")]
    misjudged: PathBuf,
    /// Timed passes over the corpus per filter, at most.
    #[arg(long, default_value_t = 5)]
    passes: u32,
    /// Seconds of timing per filter, at most (slow filters stop within a pass).
    #[arg(long, default_value_t = 10.0)]
    budget_secs: f64,
    /// The Node.js program.
    #[arg(long, default_value = "node")]
    node: PathBuf,
    /// The Node runner script.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/node/bench.mjs"))]
    node_script: PathBuf,
    /// The Python program (the benchmark's virtual environment).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python"))]
    python: PathBuf,
    /// The Python runner script.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/python/bench.py"))]
    python_script: PathBuf,
    /// Run only the filters in this process.
    #[arg(long)]
    no_peers: bool,
}

#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error("--budget-secs must be a positive number of seconds, not {0}")]
    Budget(f64),
    #[error("cannot write the corpus to {path}: {source}")]
    Corpus {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the misjudged lines to {path}: {source}")]
    Misjudged {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("our engine's built-in policy does not compile: {0}")]
    Policy(#[from] PolicyError),
    #[error("the naive baseline: {0}")]
    Naive(#[from] NaiveError),
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), BenchError> {
    let budget = Duration::try_from_secs_f64(args.budget_secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or(BenchError::Budget(args.budget_secs))?;
    let timing = Timing {
        passes: args.passes,
        budget,
    };
    let spec = Spec {
        seed: args.seed,
        clean: args.clean,
        innocent: args.innocent,
        per_form: args.per_form,
    };
    let lines = corpus::generate(&spec);
    write_corpus(&args.corpus, &lines)?;
    eprintln!(
        "corpus: {} lines written to {}",
        lines.len(),
        args.corpus.display()
    );

    let texts: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    let in_process: Vec<Box<dyn Filter>> = vec![
        Box::new(Ours::builtin()?),
        Box::new(Rustrict),
        Box::new(Naive::builtin_terms()?),
    ];
    let mut runs = Vec::new();
    for filter in &in_process {
        eprintln!("timing {} ...", filter.name());
        let measured = timing::measure(&texts, timing, |t| filter.flags(t));
        runs.push(Run {
            engine: filter.name().to_owned(),
            version: filter.version(),
            outcome: Ok(measured),
        });
    }

    if !args.no_peers {
        let runners = [
            (
                "obscenity, bad-words",
                Runner {
                    name: "node",
                    program: args.node.clone(),
                    script: args.node_script.clone(),
                },
            ),
            (
                "better-profanity",
                Runner {
                    name: "python",
                    program: args.python.clone(),
                    script: args.python_script.clone(),
                },
            ),
        ];
        for (peers, runner) in runners {
            eprintln!("running the {} peers ({peers}) ...", runner.name);
            match runner.run(&args.corpus, lines.len(), timing) {
                Ok(peer_runs) => runs.extend(peer_runs),
                Err(e) => runs.push(Run {
                    engine: format!("{peers} ({} runner)", runner.name),
                    version: "?".to_owned(),
                    outcome: Err(e.to_string()),
                }),
            }
        }
    }

    write_misjudged(&args.misjudged, &lines, &runs)?;
    eprintln!("lines some filter got wrong: {}", args.misjudged.display());
    println!("{}", summary(&spec, &lines, timing));
    print!("{}", report::table(&lines, &runs));
    Ok(())
}

fn write_corpus(path: &Path, lines: &[Line]) -> Result<(), BenchError> {
    let err = |source| BenchError::Corpus {
        path: path.to_owned(),
        source,
    };
    let mut out = create(path).map_err(err)?;
    corpus::write_jsonl(lines, &mut out).map_err(err)
}

fn write_misjudged(path: &Path, lines: &[Line], runs: &[Run]) -> Result<(), BenchError> {
    let err = |source| BenchError::Misjudged {
        path: path.to_owned(),
        source,
    };
    let mut out = create(path).map_err(err)?;
    for row in report::misjudged(lines, runs) {
        serde_json::to_writer(&mut out, &row).map_err(|e| err(e.into()))?;
        out.write_all(b"\n").map_err(err)?;
    }
    out.flush().map_err(err)
}

/// Creates `path` and its folder.
fn create(path: &Path) -> std::io::Result<BufWriter<File>> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    Ok(BufWriter::new(File::create(path)?))
}

/// What was measured, above the table.
fn summary(spec: &Spec, lines: &[Line], timing: Timing) -> String {
    let count = |set: Set| lines.iter().filter(|l| l.set == set).count();
    let chars: usize = lines.iter().map(|l| l.text.chars().count()).sum();
    format!(
        "Corpus: {} lines, seed {}: clean {}, innocent {}, evasion {} ({} forms x {}); \
         mean {:.1} characters a line.\n\
         Timing: one thread per filter; a labelling pass, then up to {} timed passes or {:.0} s.\n",
        lines.len(),
        spec.seed,
        count(Set::Clean),
        count(Set::Innocent),
        count(Set::Evasion),
        Form::ALL.len(),
        spec.per_form,
        chars as f64 / lines.len().max(1) as f64,
        timing.passes,
        timing.budget.as_secs_f64(),
    )
}
