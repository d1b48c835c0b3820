//! Scores each filter against the corpus labels and prints the comparison as one markdown
//! table.

use std::fmt::Write as _;

use serde::Serialize;

use crate::corpus::{Form, Line, Set};
use crate::timing::Measured;

/// One filter's run: what it is, and what it did or why it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub engine: String,
    pub version: String,
    pub outcome: Result<Measured, String>,
}

/// A filter's scores on the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Share of evasion lines flagged.
    pub recall: f64,
    /// Share of each form's evasion lines flagged, in `Form::ALL` order.
    pub recall_by_form: Vec<(Form, f64)>,
    /// Share of clean lines flagged.
    pub fp_clean: f64,
    /// Share of innocent (Scunthorpe) lines flagged.
    pub fp_innocent: f64,
}

/// Scores `flagged` (one flag per line) against the labels of `lines`.
pub fn score(lines: &[Line], flagged: &[bool]) -> Scores {
    let share = |keep: &dyn Fn(&Line) -> bool| {
        let (mut hit, mut all) = (0usize, 0usize);
        for (line, &f) in lines.iter().zip(flagged) {
            if keep(line) {
                all += 1;
                hit += usize::from(f);
            }
        }
        if all == 0 {
            0.0
        } else {
            hit as f64 / all as f64
        }
    };
    Scores {
        recall: share(&|l| l.set == Set::Evasion),
        recall_by_form: Form::ALL
            .iter()
            .map(|&form| (form, share(&|l| l.form == Some(form))))
            .collect(),
        fp_clean: share(&|l| l.set == Set::Clean),
        fp_innocent: share(&|l| l.set == Set::Innocent),
    }
}

/// The comparison table: one row per filter.
pub fn table(lines: &[Line], runs: &[Run]) -> String {
    let mut out = String::new();
    out.push_str("| engine | version | msgs/s | recall (evasion) |");
    for form in Form::ALL {
        let _ = write!(out, " {} |", form.as_str());
    }
    out.push_str(" FP clean | FP innocent |\n|---|---|---:|---:|");
    for _ in Form::ALL {
        out.push_str("---:|");
    }
    out.push_str("---:|---:|\n");
    for run in runs {
        let _ = write!(out, "| {} | {} |", run.engine, run.version);
        match &run.outcome {
            Ok(measured) => {
                let s = score(lines, &measured.flagged);
                let _ = write!(
                    out,
                    " {} | {} |",
                    thousands(measured.messages_per_second()),
                    percent(s.recall)
                );
                for (_, r) in &s.recall_by_form {
                    let _ = write!(out, " {} |", percent(*r));
                }
                let _ = writeln!(
                    out,
                    " {} | {} |",
                    percent(s.fp_clean),
                    percent(s.fp_innocent)
                );
            }
            Err(error) => {
                let error = error.replace('|', "/").replace('\n', " ");
                let _ = write!(out, " failed: {error} |");
                for _ in 0..Form::ALL.len() + 3 {
                    out.push_str(" |");
                }
                out.push('\n');
            }
        }
    }
    out
}

/// A line that some filter got wrong: flagged a clean or innocent line, or missed an evasion.
#[derive(Debug, Serialize)]
pub struct Misjudged<'a> {
    #[serde(flatten)]
    pub line: &'a Line,
    /// The filters that got it wrong.
    pub wrong: Vec<&'a str>,
}

/// Every line that at least one filter that ran got wrong, in corpus order.
pub fn misjudged<'a>(lines: &'a [Line], runs: &'a [Run]) -> Vec<Misjudged<'a>> {
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let should_flag = line.set == Set::Evasion;
            let wrong: Vec<&str> = runs
                .iter()
                .filter(|run| {
                    run.outcome
                        .as_ref()
                        .is_ok_and(|m| m.flagged.get(i).is_some_and(|&f| f != should_flag))
                })
                .map(|run| run.engine.as_str())
                .collect();
            (!wrong.is_empty()).then_some(Misjudged { line, wrong })
        })
        .collect()
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A rate rounded to a whole number, with thousands separated by commas.
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(set: Set, form: Option<Form>) -> Line {
        Line {
            id: 0,
            set,
            form,
            layers: Vec::new(),
            term: None,
            trap: None,
            text: String::new(),
            span: None,
        }
    }

    fn corpus() -> Vec<Line> {
        vec![
            line(Set::Clean, None),
            line(Set::Clean, None),
            line(Set::Clean, None),
            line(Set::Clean, None),
            line(Set::Innocent, None),
            line(Set::Innocent, None),
            line(Set::Evasion, Some(Form::Plain)),
            line(Set::Evasion, Some(Form::Plain)),
            line(Set::Evasion, Some(Form::Dotted)),
            line(Set::Evasion, Some(Form::Dotted)),
        ]
    }

    #[test]
    fn recall_and_false_positive_rates_count_each_set_apart() {
        let flagged = [
            true, false, false, false, // clean: 1 of 4
            true, true, // innocent: 2 of 2
            true, true, // plain: 2 of 2
            false, true, // dotted: 1 of 2
        ];
        let s = score(&corpus(), &flagged);
        assert_eq!(s.fp_clean, 0.25);
        assert_eq!(s.fp_innocent, 1.0);
        assert_eq!(s.recall, 0.75);
        let by_form: std::collections::HashMap<Form, f64> = s.recall_by_form.into_iter().collect();
        assert_eq!(by_form[&Form::Plain], 1.0);
        assert_eq!(by_form[&Form::Dotted], 0.5);
        assert_eq!(by_form[&Form::Leet], 0.0);
    }

    #[test]
    fn the_table_has_a_row_per_engine_and_the_same_columns_in_every_row() {
        let lines = corpus();
        let runs = vec![
            Run {
                engine: "fast".into(),
                version: "1.2.3".into(),
                outcome: Ok(Measured {
                    flagged: vec![false; lines.len()],
                    timed_messages: 1_234_567,
                    seconds: 1.0,
                }),
            },
            Run {
                engine: "broken".into(),
                version: "0.1.0".into(),
                outcome: Err("crashed | badly\nat line 3".into()),
            },
        ];
        let table = table(&lines, &runs);
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(rows.len(), 4);
        let columns = rows[0].matches('|').count();
        assert!(
            rows.iter().all(|r| r.matches('|').count() == columns),
            "{table}"
        );
        assert!(
            rows[2].contains("| fast | 1.2.3 | 1,234,567 | 0.0% |"),
            "{}",
            rows[2]
        );
        assert!(
            rows[3].contains("failed: crashed / badly at line 3"),
            "{}",
            rows[3]
        );
    }

    #[test]
    fn misjudged_lines_name_the_filters_that_got_them_wrong() {
        let lines = corpus();
        let mut flagged = vec![false; lines.len()];
        flagged[0] = true; // a clean line flagged
        flagged[6] = true; // an evasion caught
        let runs = vec![
            Run {
                engine: "a".into(),
                version: "1".into(),
                outcome: Ok(Measured {
                    flagged,
                    timed_messages: 1,
                    seconds: 1.0,
                }),
            },
            Run {
                engine: "b".into(),
                version: "1".into(),
                outcome: Err("crashed".into()),
            },
        ];
        let wrong = misjudged(&lines, &runs);
        let rows: Vec<(usize, Vec<&str>)> = wrong
            .iter()
            .map(|m| {
                (
                    lines
                        .iter()
                        .position(|l| std::ptr::eq(l, m.line))
                        .unwrap_or(99),
                    m.wrong.clone(),
                )
            })
            .collect();
        // Line 0 (clean, flagged) and the evasions 7, 8, 9 (missed); not 6, not the crash.
        assert_eq!(
            rows,
            [
                (0, vec!["a"]),
                (7, vec!["a"]),
                (8, vec!["a"]),
                (9, vec!["a"])
            ]
        );
    }

    #[test]
    fn rates_print_with_thousands_separators() {
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(41_000.0), "41,000");
        assert_eq!(thousands(1_600_000.0), "1,600,000");
    }
}
