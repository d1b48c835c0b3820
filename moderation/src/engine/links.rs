//! Finds links and e-mail addresses (with linkify) and judges links by their domain.

use linkify::{LinkFinder, LinkKind};

use crate::policy::LinkPolicy;

/// A link or address found in the original message, as a byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    Email {
        start: u32,
        end: u32,
    },
    Url {
        start: u32,
        end: u32,
        domain: DomainClass,
    },
}

/// Where a link's domain stands in the policy's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DomainClass {
    Allowed,
    Denied,
    Unlisted,
}

pub(crate) fn finder() -> LinkFinder {
    let mut f = LinkFinder::new();
    // `example.com` is as much a link in chat as `https://example.com`.
    f.url_must_have_scheme(false);
    f
}

/// Calls `each` for every link and e-mail address in `text`.
pub(crate) fn scan(
    finder: &LinkFinder,
    policy: &LinkPolicy,
    text: &str,
    mut each: impl FnMut(Found),
) {
    // linkify is only worth calling when a link is possible at all.
    if !may_hold_link(text.as_bytes()) {
        return;
    }
    for link in finder.links(text) {
        let (start, end) = (link.start() as u32, link.end() as u32);
        match link.kind() {
            LinkKind::Email => each(Found::Email { start, end }),
            LinkKind::Url => {
                let host = host_of(link.as_str());
                let domain = if listed(host, &policy.deny_domains) {
                    DomainClass::Denied
                } else if listed(host, &policy.allow_domains) {
                    DomainClass::Allowed
                } else {
                    DomainClass::Unlisted
                };
                each(Found::Url { start, end, domain });
            }
            _ => {}
        }
    }
}

/// Whether `text` has a `.`, `@` or `:`, without which linkify finds nothing. Checked a block at
/// a time without stopping early inside one, so the compiler can test many bytes at once.
fn may_hold_link(text: &[u8]) -> bool {
    text.chunks(32).any(|block| {
        block.iter().fold(0u8, |seen, &b| {
            seen | u8::from(b == b'.') | u8::from(b == b'@') | u8::from(b == b':')
        }) != 0
    })
}

/// The host of a URL as linkify reports it, with or without a scheme.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = rest.split(':').next().unwrap_or(rest);
    host.trim_end_matches('.')
}

/// Whether `host` is one of `domains` or a subdomain of one.
fn listed(host: &str, domains: &[String]) -> bool {
    domains.iter().any(|d| {
        host.len() >= d.len()
            && host.is_char_boundary(host.len() - d.len())
            && host[host.len() - d.len()..].eq_ignore_ascii_case(d)
            && (host.len() == d.len() || host.as_bytes()[host.len() - d.len() - 1] == b'.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(text: &str, policy: &LinkPolicy) -> Vec<(String, Option<DomainClass>)> {
        let mut out = Vec::new();
        scan(&finder(), policy, text, |f| match f {
            Found::Email { start, end } => {
                out.push((text[start as usize..end as usize].into(), None))
            }
            Found::Url { start, end, domain } => {
                out.push((text[start as usize..end as usize].into(), Some(domain)))
            }
        });
        out
    }

    #[test]
    fn urls_with_and_without_scheme_are_found() {
        let p = LinkPolicy::default();
        let f = found("see https://evil.example/x and www.other.org now", &p);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].0, "https://evil.example/x");
    }

    #[test]
    fn subdomains_of_listed_domains_are_listed() {
        let p = LinkPolicy {
            allow_domains: vec!["twitch.tv".into()],
            deny_domains: vec!["bad.example".into()],
            ..LinkPolicy::default()
        };
        let f = found(
            "https://clips.twitch.tv/a https://x.bad.example/ https://nottwitch.tv/",
            &p,
        );
        let classes: Vec<_> = f.iter().map(|x| x.1).collect();
        assert_eq!(
            classes,
            [
                Some(DomainClass::Allowed),
                Some(DomainClass::Denied),
                Some(DomainClass::Unlisted)
            ]
        );
    }

    #[test]
    fn email_addresses_are_found() {
        let f = found("mail me: jo.doe@example.com!", &LinkPolicy::default());
        assert_eq!(f, [("jo.doe@example.com".to_owned(), None)]);
    }

    #[test]
    fn host_ignores_scheme_user_port_and_path() {
        assert_eq!(
            host_of("https://user@Host.Example:8080/p?q#f"),
            "Host.Example"
        );
        assert_eq!(host_of("example.com/path"), "example.com");
    }

    proptest! {
        #[test]
        fn the_block_check_finds_what_a_byte_search_finds(text in "[a-z .@:]{0,80}|\\PC{0,80}") {
            let b = text.as_bytes();
            prop_assert_eq!(
                may_hold_link(b),
                b.iter().any(|&c| c == b'.' || c == b'@' || c == b':')
            );
        }
    }
}
