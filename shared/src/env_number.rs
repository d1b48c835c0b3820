//! One way to read a whole-number setting from the environment at cold start: unset or blank
//! is the default, anything else must be a whole number within the setting's range, and a
//! refusal names the variable.

use std::ops::RangeInclusive;

/// A setting that is not a whole number within its range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a whole number from {min} to {max}")]
pub struct NumberError {
    /// The variable, so the caller's error can name it.
    pub var: &'static str,
    pub value: String,
    pub min: u64,
    pub max: u64,
}

/// The whole number `var` holds (through `lookup`), `default` when it is unset or blank.
pub fn bounded_number(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u64,
    range: RangeInclusive<u64>,
) -> Result<u64, NumberError> {
    let Some(text) = lookup(var)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
    else {
        return Ok(default);
    };
    text.parse::<u64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| NumberError {
            var,
            value: text,
            min: *range.start(),
            max: *range.end(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_and_blank_are_the_default_and_bad_values_name_the_variable() {
        let none = |_: &str| None;
        assert_eq!(bounded_number(&none, "N", 7, 0..=10), Ok(7));
        let blank = |_: &str| Some("  ".to_owned());
        assert_eq!(bounded_number(&blank, "N", 7, 0..=10), Ok(7));
        let five = |_: &str| Some(" 5 ".to_owned());
        assert_eq!(bounded_number(&five, "N", 7, 0..=10), Ok(5));
        for bad in ["11", "-1", "soon", "2.5"] {
            let lookup = |_: &str| Some(bad.to_owned());
            let error = bounded_number(&lookup, "N", 7, 0..=10).expect_err(bad);
            assert_eq!(error.var, "N");
            assert_eq!(
                error.to_string(),
                format!("`{bad}` is not a whole number from 0 to 10")
            );
        }
    }
}
