//! Innocent lines: the Scunthorpe problem. Place names, names and ordinary words that contain
//! a blocked word (`Scunthorpe`, `assassin`, `cocktail`), and ordinary phrases where joining
//! adjacent words makes one (`push it`, `who reads`).

use super::{pad, Line, Rng, Set};

/// An innocent word or phrase, the blocked word it hides, and chat lines that use it.
#[derive(Debug, Clone, Copy)]
pub struct Trap {
    pub trap: &'static str,
    pub hides: &'static str,
    pub lines: &'static [&'static str],
}

const fn trap(trap: &'static str, hides: &'static str, lines: &'static [&'static str]) -> Trap {
    Trap { trap, hides, lines }
}

pub const TRAPS: &[Trap] = &[
    // inside a word
    trap(
        "Scunthorpe",
        "cunt",
        &[
            "greetings from Scunthorpe everyone",
            "Scunthorpe United won again last night",
        ],
    ),
    trap(
        "assassin",
        "ass",
        &[
            "the assassin build is way too strong",
            "who plays assassin in this lineup?",
        ],
    ),
    trap(
        "classic",
        "ass",
        &[
            "classic mode or ranked tonight?",
            "that was a classic comeback",
        ],
    ),
    trap(
        "cocktail",
        "cock",
        &[
            "making a cocktail before the stream starts",
            "cocktail recipe from last week was great",
        ],
    ),
    trap(
        "Essex",
        "sex",
        &[
            "watching from Essex, love the stream",
            "it is pouring rain in Essex today",
        ],
    ),
    trap(
        "therapist",
        "rapist",
        &[
            "my therapist says I should stream less",
            "the therapist character in this game is great",
        ],
    ),
    trap("grape day", "rape", &["happy grape day chat, harvest time"]),
    trap(
        "grapes",
        "rape",
        &["eating grapes while watching the stream"],
    ),
    trap(
        "Penistone",
        "penis",
        &[
            "the train to Penistone is late again",
            "hi from Penistone, first time here",
        ],
    ),
    trap(
        "butterscotch",
        "butt",
        &[
            "butterscotch ice cream during the stream",
            "who else likes butterscotch candy?",
        ],
    ),
    trap(
        "Dickens",
        "dick",
        &[
            "reading Dickens between matches",
            "this plot twist is pure Dickens",
        ],
    ),
    trap(
        "shuttlecock",
        "cock",
        &[
            "badminton stream when, I have a shuttlecock",
            "that shuttlecock went flying across the gym",
        ],
    ),
    trap(
        "analysis",
        "anal",
        &[
            "post game analysis is up on the channel",
            "great analysis of the last fight",
        ],
    ),
    trap(
        "cumulative",
        "cum",
        &[
            "cumulative score after three rounds is 42",
            "the cumulative damage bonus is huge",
        ],
    ),
    trap(
        "hello",
        "hell",
        &[
            "hello everyone, just got here",
            "hello from the night shift",
        ],
    ),
    trap(
        "Hitchcock",
        "cock",
        &["this cutscene feels like a Hitchcock movie"],
    ),
    trap(
        "cockpit",
        "cock",
        &["the cockpit view in this sim is amazing"],
    ),
    trap("peacock", "cock", &["the new peacock skin looks so good"]),
    trap(
        "shitake",
        "shit",
        &["cooking shitake mushrooms after stream"],
    ),
    trap("Sussex", "sex", &["any viewers from Sussex tonight?"]),
    trap(
        "Middlesex",
        "sex",
        &["greetings from Middlesex, love the vibes"],
    ),
    trap("bass", "ass", &["that bass drop in the intro is so good"]),
    trap("compass", "ass", &["follow the compass to find the shrine"]),
    trap(
        "ambassador",
        "ass",
        &["the ambassador quest is bugged again"],
    ),
    trap("Arsenal", "arse", &["Arsenal match later, who's watching?"]),
    trap(
        "competition",
        "tit",
        &["the competition starts at eight tonight"],
    ),
    trap("titan", "tit", &["the titan boss has three health bars"]),
    trap(
        "raccoon",
        "coon",
        &["there is a raccoon on my porch right now"],
    ),
    trap(
        "cocoon",
        "coon",
        &["the cocoon hatches after the third quest"],
    ),
    trap("Japan", "jap", &["greetings from Japan, it is 3am here"]),
    trap(
        "Uranus",
        "anus",
        &["we are flying to Uranus in this mission"],
    ),
    trap("scrap", "crap", &["scrap the plan, everyone go B site"]),
    trap(
        "document",
        "cum",
        &["is there a document with the patch notes?"],
    ),
    trap(
        "Clitheroe",
        "clit",
        &["watching from Clitheroe, hi everyone"],
    ),
    trap(
        "Wankel",
        "wank",
        &["the Wankel engine in that car sounds great"],
    ),
    trap("Cockburn", "cock", &["shoutout to my friend from Cockburn"]),
    trap(
        "homogenous",
        "homo",
        &["the map feels too homogenous in the middle"],
    ),
    // across a word gap
    trap(
        "push it",
        "shit",
        &["just push it mid, they have no smokes"],
    ),
    trap(
        "finish it",
        "shit",
        &["finish it already, the boss has 1 hp"],
    ),
    trap("this hit", "shit", &["this hit different at 2am"]),
    trap("his hit", "shit", &["his hit registration is so bad today"]),
    trap("a bit chaotic", "bitch", &["that round was a bit chaotic"]),
    trap(
        "who reads",
        "whore",
        &["who reads chat when it moves this fast"],
    ),
    trap(
        "skins exchange",
        "sex",
        &["the skins exchange opens on Friday"],
    ),
    trap(
        "pen is",
        "penis",
        &["my pen is out of ink, cannot take notes"],
    ),
    trap(
        "grass hole",
        "asshole",
        &["the rabbit is hiding in a grass hole"],
    ),
];

/// One innocent line, padded to chat length.
pub(super) fn line(rng: &mut Rng) -> Line {
    loop {
        let trap = rng.pick(TRAPS);
        let body = *rng.pick(trap.lines);
        if let Some((prefix, suffix)) = pad(rng, body) {
            return Line {
                id: 0,
                set: Set::Innocent,
                form: None,
                layers: Vec::new(),
                term: Some(trap.hides),
                trap: Some(trap.trap),
                text: format!("{prefix}{body}{suffix}"),
                span: None,
            };
        }
    }
}
