//! Writes the labelled corpus, runs every filter over it on one thread (ours, `rustrict` and
//! the naive baseline in this process, the npm and PyPI peers as child processes), and prints
//! the comparison table.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::process::{Command, Stdio};
use std::time::Duration;

use clap::Parser;
use ivschat_moderation::PolicyError;
use moderation_peers::corpus::{self, Form, Line, Set, Spec};
use moderation_peers::engines::{Filter, Naive, NaiveError, Ours, Rustrict};
use moderation_peers::languages::{self, LangLine, LangMeasured, LangRun, LangSpec};
use moderation_peers::peer_terms::{self, PeerTerms};
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
    /// Skip the per-language tables.
    #[arg(long)]
    no_languages: bool,
    /// Per-language corpus: evasion forms per held-out term.
    #[arg(long, default_value_t = 3)]
    lang_forms: usize,
    /// Per-language corpus: innocent frequent words per language.
    #[arg(long, default_value_t = 2_000)]
    lang_words: usize,
    /// Per-language corpus: sentences of frequent words per language.
    #[arg(long, default_value_t = 500)]
    lang_sentences: usize,
    /// Frequent words drawn from, per language (the most frequent first).
    #[arg(long, default_value_t = 20_000)]
    lang_vocabulary: usize,
    /// Seconds of timing per filter and language, at most.
    #[arg(long, default_value_t = 1.0)]
    lang_budget_secs: f64,
    /// Per-language corpus: evasion forms per term of the peers' lists, besides its plain form.
    #[arg(long, default_value_t = 3)]
    lang_peer_forms: usize,
    /// The Node script that prints the peers' word lists.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/node/terms.mjs"))]
    terms_node_script: PathBuf,
    /// Where to write the peers' terms our engine misses in plain form, as Markdown.
    #[arg(long, default_value = "target/moderation-peers/coverage-gap.md")]
    coverage_gap: PathBuf,
    /// Where to write the per-language corpus, as JSON Lines.
    #[arg(long, default_value = "target/moderation-peers/languages.jsonl")]
    lang_corpus: PathBuf,
    /// The Node runner script of the multilingual peers.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/node/languages.mjs"))]
    lang_node_script: PathBuf,
    /// The Python program with wordfreq, for the frequent words.
    #[arg(long, default_value = "python3")]
    words_python: PathBuf,
    /// The script that prints a language's frequent words.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/moderation-words.py"))]
    words_script: PathBuf,
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
    #[error("cannot write the coverage gap to {path}: {source}")]
    Gap {
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
    if !args.no_languages {
        run_languages(&args, timing)?;
    }
    Ok(())
}

/// The per-language tables.
fn run_languages(args: &Args, timing: Timing) -> Result<(), BenchError> {
    let budget = Duration::try_from_secs_f64(args.lang_budget_secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or(BenchError::Budget(args.lang_budget_secs))?;
    let timing = Timing {
        passes: timing.passes,
        budget,
    };
    let spec = LangSpec {
        seed: args.seed ^ 0x1A46_0A6E_5EED,
        forms_per_term: args.lang_forms,
        words: args.lang_words,
        sentences: args.lang_sentences,
        peer_forms_per_term: args.lang_peer_forms,
    };
    let frequent = |lang: &str| -> Result<Vec<String>, String> {
        let out = Command::new(&args.words_python)
            .arg(&args.words_script)
            .arg(lang)
            .arg(args.lang_vocabulary.to_string())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", args.words_python.display()))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect())
    };
    let peer_terms = read_peer_terms(args);
    for s in &peer_terms.sources {
        if let Some(e) = &s.error {
            eprintln!("peers' terms: {} not read: {e}", s.source);
        }
    }
    let (lines, problems) = languages::generate(&spec, &frequent, &peer_terms);
    for p in &problems {
        eprintln!("languages: {p}");
    }
    let err = |source| BenchError::Corpus {
        path: args.lang_corpus.clone(),
        source,
    };
    let mut out = create(&args.lang_corpus).map_err(err)?;
    for line in &lines {
        serde_json::to_writer(&mut out, line).map_err(|e| err(e.into()))?;
        out.write_all(b"\n").map_err(err)?;
    }
    out.flush().map_err(err)?;
    eprintln!(
        "per-language corpus: {} lines written to {}",
        lines.len(),
        args.lang_corpus.display()
    );

    let mut runs = Vec::new();
    let ours = Ours::builtin()?;
    let in_process: [(&dyn Filter, &[&str]); 2] =
        [(&ours, languages::LANGUAGES), (&Rustrict, &["en"])];
    for (filter, langs) in in_process {
        eprintln!("timing {} per language ...", filter.name());
        let mut measured = LangMeasured {
            flagged: vec![false; lines.len()],
            timing: BTreeMap::new(),
        };
        for &lang in langs {
            let subset: Vec<&LangLine> = lines.iter().filter(|l| l.lang == lang).collect();
            let texts: Vec<String> = subset.iter().map(|l| l.text.clone()).collect();
            let m = timing::measure(&texts, timing, |t| filter.flags(t));
            for (line, &f) in subset.iter().zip(&m.flagged) {
                if let Some(slot) = measured.flagged.get_mut(line.id) {
                    *slot = f;
                }
            }
            measured
                .timing
                .insert(lang.to_owned(), (m.timed_messages, m.seconds));
        }
        runs.push(LangRun {
            engine: filter.name().to_owned(),
            version: filter.version(),
            languages: langs.iter().map(|l| (*l).to_owned()).collect(),
            outcome: Ok(measured),
        });
    }
    if !args.no_peers {
        eprintln!("running the multilingual npm peers ...");
        let output = Command::new(&args.node)
            .arg(&args.lang_node_script)
            .arg("--corpus")
            .arg(&args.lang_corpus)
            .arg("--passes")
            .arg(timing.passes.to_string())
            .arg("--budget-secs")
            .arg(timing.budget.as_secs_f64().to_string())
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output();
        let parsed = match output {
            Err(e) => Err(format!("cannot start {}: {e}", args.node.display())),
            Ok(o) if !o.status.success() => {
                Err(format!("the node runner exited with {}", o.status))
            }
            Ok(o) => languages::parse_node_report(&o.stdout, lines.len()),
        };
        match parsed {
            Ok(peer_runs) => runs.extend(peer_runs),
            Err(e) => runs.push(LangRun {
                engine: "multilingual npm peers (node runner)".to_owned(),
                version: "?".to_owned(),
                languages: languages::LANGUAGES
                    .iter()
                    .map(|l| (*l).to_owned())
                    .collect(),
                outcome: Err(e),
            }),
        }
    }
    let ours_name = ours.name();
    if let Some(Ok(m)) = runs
        .iter()
        .find(|r| r.engine == ours_name)
        .map(|r| &r.outcome)
    {
        let gap = languages::coverage_gap(&lines, &m.flagged, &peer_terms);
        let err = |source| BenchError::Gap {
            path: args.coverage_gap.clone(),
            source,
        };
        let mut out = create(&args.coverage_gap).map_err(err)?;
        out.write_all(gap.as_bytes()).map_err(err)?;
        out.flush().map_err(err)?;
        eprintln!(
            "peers' terms ours misses in plain form: {}",
            args.coverage_gap.display()
        );
    }
    println!(
        "\n## Per language\n\nPer-language corpus: {} lines, seed {:#x}: {} evasion forms per held-out term, \
         each term of the peers' lists plain and in {} evasion forms, \
         {} frequent words and {} sentences per language (from the {} most frequent words). \
         Timing: per filter and language, up to {} passes or {:.1} s. A filter appears under the \
         languages it claims.\n\n{}",
        lines.len(),
        spec.seed,
        spec.forms_per_term,
        spec.peer_forms_per_term,
        spec.words,
        spec.sentences,
        args.lang_vocabulary,
        timing.passes,
        timing.budget.as_secs_f64(),
        peer_terms_summary(&peer_terms),
    );
    print!(
        "{}",
        languages::tables(&lines, &runs, &peer_terms, ours_name)
    );
    Ok(())
}

/// The peers' word lists: the npm peers' (through the terms script) and `rustrict`'s. A list
/// that cannot be read is named in the summary and left out.
fn read_peer_terms(args: &Args) -> PeerTerms {
    let output = Command::new(&args.node)
        .arg(&args.terms_node_script)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output();
    let mut sources = match output {
        Err(e) => Err(format!("cannot start {}: {e}", args.node.display())),
        Ok(o) if !o.status.success() => Err(format!("the terms script exited with {}", o.status)),
        Ok(o) => peer_terms::parse_node_terms(&o.stdout),
    }
    .unwrap_or_else(|e| {
        vec![peer_terms::Source {
            source: "npm peers".to_owned(),
            version: "?".to_owned(),
            license: "?".to_owned(),
            lists: BTreeMap::new(),
            error: Some(e),
        }]
    });
    sources.push(peer_terms::rustrict_source());
    peer_terms::merge(sources)
}

/// The lists the peers' terms come from, and what was left out of them.
fn peer_terms_summary(peer_terms: &PeerTerms) -> String {
    let lists: Vec<String> = peer_terms
        .sources
        .iter()
        .map(|s| match &s.error {
            Some(e) => format!("{} (not read: {e})", s.source),
            None => format!("{} {} ({})", s.source, s.version, s.license),
        })
        .collect();
    let counts: Vec<String> = languages::LANGUAGES
        .iter()
        .map(|&lang| {
            let d = peer_terms.dropped.get(lang).copied().unwrap_or_default();
            format!(
                "{lang} {} ({} not words, {} of one letter)",
                peer_terms.of(lang).len(),
                d.not_words,
                d.short
            )
        })
        .collect();
    format!(
        "Peers' terms: the union of {}, per language, folded to lower case; entries with \
         digits, symbols or punctuation and single letters left out, phrases kept. Terms per \
         language: {}.",
        lists.join(", "),
        counts.join("; ")
    )
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
