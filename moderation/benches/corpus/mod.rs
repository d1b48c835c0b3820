//! The generated chat the benchmark and the profiling example review: the same text on
//! every run, so that figures taken on different builds compare.

/// A small deterministic generator, so every run reviews the same corpus.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

const WORDS: &[&str] = &[
    "gg",
    "lol",
    "nice",
    "play",
    "the",
    "stream",
    "is",
    "so",
    "good",
    "today",
    "what",
    "a",
    "clutch",
    "I",
    "think",
    "we",
    "win",
    "this",
    "round",
    "chat",
    "hello",
    "everyone",
    "from",
    "Scunthorpe",
    "grape",
    "day",
    "class",
    "assessment",
    "pog",
    "let's",
    "go",
    "team",
    "that",
    "was",
    "insane",
    "my",
    "therapist",
    "said",
    "hi",
    "again",
    "who",
    "else",
    "watching",
    "?",
];
const BAD: &[&str] = &[
    "fuck",
    "f.u.c.k",
    "f u c k",
    "f-u-c-k",
    "fuuuuck",
    "sh1t",
    "ｆｕｃｋ",
    "fu\u{200B}ck",
    "fu\u{0441}k",
    "bullshit",
    "@$$hole",
];

/// Chat in the other shipped languages, every script the engine folds.
const WORLD: &[&str] = &[
    "hola",
    "qué",
    "tal",
    "partida",
    "con",
    "leche",
    "obrigado",
    "jogo",
    "bonjour",
    "merci",
    "équipe",
    "danke",
    "schön",
    "Straße",
    "ciao",
    "bella",
    "привет",
    "как",
    "дела",
    "игра",
    "merhaba",
    "güzel",
    "sıkı",
    "مرحبا",
    "اللعبة",
    "नमस्ते",
    "खेल",
    "yaar",
    "kya",
    "こんにちは",
    "ゲーム",
    "グローバル",
    "안녕하세요",
    "게임",
    "진짜",
    "你好",
    "游戏",
    "厉害",
    "遊戲",
    "🔥",
];
const WORLD_BAD: &[&str] = &[
    "p.u.t.a",
    "ｍｉｅｒｄａ",
    "conn4rd",
    "Scheiße",
    "c a z z o",
    "блядь",
    "х\u{0443}й",
    "orospu",
    "شرموطة",
    "chutiya",
    "ﾁﾝｺ",
    "씨 발",
    "他 妈 的",
    "幹你娘",
];

pub fn world_line(rng: &mut Lcg) -> String {
    let mut line = String::new();
    while line.chars().count() < 30 + rng.next() % 24 {
        if !line.is_empty() {
            line.push(' ');
        }
        let word = if rng.next().is_multiple_of(30) {
            rng.pick(WORLD_BAD)
        } else {
            rng.pick(WORLD)
        };
        line.push_str(word);
    }
    line
}

pub fn chat_line(rng: &mut Lcg) -> String {
    let mut line = String::new();
    while line.len() < 40 + rng.next() % 24 {
        if !line.is_empty() {
            line.push(' ');
        }
        let word = if rng.next().is_multiple_of(60) {
            rng.pick(BAD)
        } else {
            rng.pick(WORDS)
        };
        line.push_str(word);
    }
    line
}

pub fn corpus(n: usize) -> Vec<String> {
    let mut rng = Lcg(42);
    (0..n).map(|_| chat_line(&mut rng)).collect()
}

pub fn long_messages(n: usize) -> Vec<String> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|_| {
            let mut m = String::new();
            while m.chars().count() < 500 {
                m.push_str(&chat_line(&mut rng));
                m.push(' ');
            }
            m.chars().take(500).collect()
        })
        .collect()
}

/// Messages of `chars` characters made of `world_line`s, as the latency report reviews.
pub fn world_messages(rng: &mut Lcg, n: usize, chars: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            let mut m = String::new();
            while m.chars().count() < chars {
                m.push_str(&world_line(rng));
                m.push(' ');
            }
            m.chars().take(chars).collect()
        })
        .collect()
}
