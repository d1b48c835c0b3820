//! The regions a request may be scoped to: where Amazon IVS Chat has an endpoint
//! (<https://docs.aws.amazon.com/general/latest/gr/ivs.html>, "IVS Chat endpoints"), or the
//! list given with `--regions`. A credential scope naming any other region is refused the way
//! AWS refuses it, so that no such region ever reaches an ARN.

/// The regions of the IVS Chat endpoints, as the AWS General Reference lists them.
pub const IVS_CHAT_REGIONS: [&str; 7] = [
    "us-east-1",
    "us-west-2",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "eu-central-1",
    "eu-west-1",
];

/// `IVS_CHAT_REGIONS` comma-separated, the default of `--regions`.
pub const IVS_CHAT_REGIONS_TEXT: &str =
    "us-east-1,us-west-2,ap-south-1,ap-northeast-1,ap-northeast-2,eu-central-1,eu-west-1";

/// The accepted regions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regions(Vec<String>);

impl Regions {
    pub fn new(regions: impl IntoIterator<Item = String>) -> Self {
        Regions(regions.into_iter().collect())
    }

    /// The regions where IVS Chat has an endpoint.
    pub fn ivs_chat() -> Self {
        Regions::new(IVS_CHAT_REGIONS.iter().map(|r| (*r).to_owned()))
    }

    pub fn contains(&self, region: &str) -> bool {
        self.0.iter().any(|r| r == region)
    }

    /// The regions, comma-separated, for messages.
    pub fn list(&self) -> String {
        self.0.join(",")
    }
}

/// Whether `value` can be a region name in an ARN: lower-case letters, digits and `-`,
/// starting with a letter.
pub fn is_region_name(value: &str) -> bool {
    value.len() <= 32
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_text_lists_the_same_regions() {
        assert_eq!(IVS_CHAT_REGIONS_TEXT, IVS_CHAT_REGIONS.join(","));
        assert!(IVS_CHAT_REGIONS.iter().all(|r| is_region_name(r)));
    }

    #[test]
    fn region_names_are_what_arns_take() {
        assert!(is_region_name("ca-central-1"));
        assert!(!is_region_name("Bad_Region"));
        assert!(!is_region_name(""));
        assert!(!is_region_name("-x"));
        assert!(!is_region_name(".."));
    }
}
