//! Resource ids in paths, and the ARNs built from them: resources live in the account and
//! region of the function itself, so no lookup is needed to name them.

use crate::http_api::ApiError;

/// Checks that `id` (the path parameter `field`) is an IVS Chat resource id: 12 letters and
/// digits.
pub fn validate_id(field: &str, id: &str) -> Result<(), ApiError> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            field,
            "must be an IVS Chat resource id: 12 letters and digits",
        ))
    }
}

/// The ARNs of this account and region's IVS Chat resources. IVS Chat identifies rooms and
/// logging configurations by ARN in every operation, and resources live in the account and
/// region of the function itself, so the ARNs are derived from its own, with no lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceNames {
    /// `arn:PARTITION:ivschat:REGION:ACCOUNT:`
    prefix: String,
}

impl ResourceNames {
    /// The names for the account and region of `function_arn`
    /// (`arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`).
    pub fn of_function(function_arn: &str) -> Result<Self, ApiError> {
        let fields: Vec<&str> = function_arn.splitn(7, ':').collect();
        match fields.as_slice() {
            ["arn", partition, "lambda", region, account, "function", _]
                if !region.is_empty() && !account.is_empty() =>
            {
                Ok(ResourceNames {
                    prefix: format!("arn:{partition}:ivschat:{region}:{account}:"),
                })
            }
            _ => Err(ApiError::Internal(format!(
                "cannot derive the account and region from the function ARN `{function_arn}`"
            ))),
        }
    }

    pub fn room(&self, id: &str) -> String {
        format!("{}room/{id}", self.prefix)
    }

    pub fn logging_configuration(&self, id: &str) -> String {
        format!("{}logging-configuration/{id}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_take_the_functions_account_and_region() {
        let names =
            ResourceNames::of_function("arn:aws:lambda:eu-west-1:123456789012:function:admin-api")
                .expect("a function ARN");
        assert_eq!(
            names.room("abcdEFGH1234"),
            "arn:aws:ivschat:eu-west-1:123456789012:room/abcdEFGH1234"
        );
        assert_eq!(
            names.logging_configuration("abcdEFGH1234"),
            "arn:aws:ivschat:eu-west-1:123456789012:logging-configuration/abcdEFGH1234"
        );
        assert!(ResourceNames::of_function("not-an-arn").is_err());
    }

    #[test]
    fn ids_are_twelve_letters_and_digits() {
        assert!(validate_id("roomId", "abcdEFGH1234").is_ok());
        for bad in ["", "abc", "abcdEFGH123!", "abcdEFGH12345"] {
            assert_eq!(
                validate_id("roomId", bad).map_err(|e| e.status()),
                Err(400),
                "{bad}"
            );
        }
    }
}
