//! Finds links and e-mail addresses (with linkify) and judges links by their domain.
//!
//! A link written without a scheme or `www.` (`example.com`) is one only when its last label
//! is a top-level domain of the root zone (`data/tlds.json`) or a special-use name: a dotted
//! word (`EE.UU.`, `E.ON`, `Z.Amin`, `file.txt`) is not. And no link spans a character of the
//! scripts written without spaces (Han, kana, Hangul, their punctuation): the link ends where
//! the sentence around it goes on.

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

include!(concat!(env!("OUT_DIR"), "/tlds.rs"));

/// Names reserved for special uses, in no root zone but links all the same when written in
/// chat: Tor's `.onion`, and the names of examples and tests.
const SPECIAL_USE: [&str; 5] = ["example", "invalid", "localhost", "onion", "test"];

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
        let found = link.as_str();
        if !found.chars().any(unspaced) {
            judge(policy, found, link.start(), link.kind(), &mut each);
            continue;
        }
        // linkify reads letters of every script as a domain's: in a sentence written without
        // spaces it takes in the words around the link. The links are those of the stretches
        // between such characters.
        let mut at = link.start();
        for piece in found.split(unspaced) {
            for inner in finder.links(piece) {
                judge(
                    policy,
                    inner.as_str(),
                    at + inner.start(),
                    inner.kind(),
                    &mut each,
                );
            }
            at += piece.len();
            at += text
                .get(at..)
                .and_then(|t| t.chars().next())
                .map_or(0, char::len_utf8);
        }
    }
}

/// Reports the link or address `found`, at byte `start` of the text, unless it is a bare
/// domain whose last label is no top-level domain.
fn judge(
    policy: &LinkPolicy,
    found: &str,
    start: usize,
    kind: &LinkKind,
    each: impl FnOnce(Found),
) {
    let (end, start) = ((start + found.len()) as u32, start as u32);
    match kind {
        LinkKind::Email => each(Found::Email { start, end }),
        LinkKind::Url => {
            let host = host_of(found);
            if !has_scheme_or_www(found) && !top_level(host) {
                return;
            }
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

/// Characters of the scripts written without spaces (Han, kana, Hangul) and their
/// punctuation, which no link of this finder holds.
fn unspaced(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'     // Hangul jamo
        | '\u{2E80}'..='\u{2FDF}'   // CJK and Kangxi radicals
        | '\u{3000}'..='\u{303F}'   // CJK symbols and punctuation
        | '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3130}'..='\u{318F}'   // Hangul compatibility jamo
        | '\u{31F0}'..='\u{31FF}'   // katakana extensions
        | '\u{3400}'..='\u{4DBF}'   // Han, extension A
        | '\u{4E00}'..='\u{9FFF}'   // Han
        | '\u{A960}'..='\u{A97F}'   // Hangul jamo extended A
        | '\u{AC00}'..='\u{D7FF}'   // Hangul syllables, jamo extended B
        | '\u{F900}'..='\u{FAFF}'   // Han compatibility
        | '\u{FE30}'..='\u{FE4F}'   // CJK compatibility forms
        // Full-width punctuation and half-width kana and Hangul, not the full-width Latin
        // letters and digits, which a link may be disguised with.
        | '\u{FF00}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}' // Han, supplementary planes
    )
}

/// Whether a link linkify found starts with a scheme (`https://`) or with `www.`: a link by
/// its form, whatever its domain.
fn has_scheme_or_www(found: &str) -> bool {
    found.contains("://")
        || found
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("www."))
}

/// Whether the last label of `host` is a top-level domain of the root zone (in any case, in
/// its own script or as `xn--` punycode) or a special-use name.
fn top_level(host: &str) -> bool {
    let Some((_, last)) = host.rsplit_once('.') else {
        return false;
    };
    if last.is_ascii() {
        let mut buf = [0u8; 64];
        let Some(lower) = buf.get_mut(..last.len()) else {
            return false;
        };
        lower.copy_from_slice(last.as_bytes());
        lower.make_ascii_lowercase();
        let Ok(lower) = std::str::from_utf8(lower) else {
            return false;
        };
        lower.starts_with("xn--")
            || TLDS.binary_search(&lower).is_ok()
            || SPECIAL_USE.contains(&lower)
    } else {
        let lower = last.to_lowercase();
        TLDS.binary_search(&lower.as_str()).is_ok()
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

    fn urls(text: &str) -> Vec<String> {
        found(text, &LinkPolicy::default())
            .into_iter()
            .map(|(link, _)| link)
            .collect()
    }

    #[test]
    fn bare_domains_are_links_when_their_last_label_is_a_top_level_domain() {
        for link in [
            "example.com",
            "EXAMPLE.COM",
            "bit.ly/x",
            "discord.gg/abc",
            "site.xyz",
            "evil.co.uk",
            "evil.example/x",
            "hidden.onion",
            "xn--80ak6aa92e.xn--p1ai",
        ] {
            assert_eq!(urls(&format!("go to {link} now")), [link], "{link}");
        }
        // Obfuscated with spaces, the last letter and the domain are still a link.
        assert_eq!(urls("e x a m p l e.com"), ["e.com"]);
    }

    #[test]
    fn dotted_words_are_no_links() {
        for text in [
            "el ejército de EE.UU. y",
            "presidente de E.E.UU en activo",
            "la compañía E.ON y e.on",
            "Z.Amin dijo",
            "open file.txt with node.js",
        ] {
            assert_eq!(urls(text), Vec::<String>::new(), "{text}");
        }
        // With a scheme or `www.`, a link is one whatever its domain.
        assert_eq!(urls("see https://e.on/x"), ["https://e.on/x"]);
        assert_eq!(urls("see www.z.amin"), ["www.z.amin"]);
    }

    #[test]
    fn a_link_ends_at_the_first_character_of_a_script_written_without_spaces() {
        assert_eq!(
            urls("総裁、Z.Aminは「洋上風力発電は世界"),
            Vec::<String>::new()
        );
        assert_eq!(urls("見てexample.comで"), ["example.com"]);
        assert_eq!(urls("我喜欢example.com网站"), ["example.com"]);
        assert_eq!(urls("example.com에서 봐"), ["example.com"]);
        assert_eq!(
            urls("見てhttps://example.com/パス"),
            ["https://example.com/"]
        );
        assert_eq!(urls("総裁、example.comは「洋上"), ["example.com"]);
        assert_eq!(urls("（example.com）"), ["example.com"]);
        // Full-width letters in a link stay in it.
        assert_eq!(urls("see ｅxample.com"), ["ｅxample.com"]);
        // The byte ranges are the original text's.
        let text = "我喜欢example.com网站";
        let mut ranges = Vec::new();
        scan(&finder(), &LinkPolicy::default(), text, |f| {
            if let Found::Url { start, end, .. } = f {
                ranges.push((start, end));
            }
        });
        assert_eq!(ranges, [(9, 20)]);
    }

    #[test]
    fn the_top_level_domains_are_sorted_and_lowercase() {
        assert!(TLDS.windows(2).all(|w| w[0] < w[1]));
        assert!(TLDS.iter().all(|t| t.to_lowercase() == *t));
        assert!(top_level("a.COM") && top_level("a.рф") && top_level("a.XN--P1AI"));
        assert!(!top_level("e.on") && !top_level("com") && !top_level("a.Amin"));
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
