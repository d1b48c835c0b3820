//! Every shipped language: its built-in terms blocked in a message of that language, words
//! shared with another language passed outside it, a room's languages narrowing the set, and
//! the recall on evasion forms generated from each lexicon (half of them held out: generated
//! from the terms the other half is not, with a seed no rule was tuned on).

use ivschat_moderation::evasion::{evade, in_message, lexicon_terms, LEXICON_LANGUAGES};
use ivschat_moderation::{Moderator, PolicySet, RoomRef, RuleKind};

use crate::kit::{builtin, flagged, Rng, ROOM};

#[test]
fn each_language_blocks_its_insults_out_of_the_box() {
    let m = builtin();
    for text in [
        "eres una puta de verdad",
        "vai tomar no cu, seu filho da puta",
        "ferme ta gueule, connard",
        "du bist so ein Arschloch",
        "sei proprio uno stronzo",
        "иди на хуй, говнюк",
        "sen tam bir orospu çocuğusun",
        "انت شرموطة",
        "tu to bahut bada chutiya hai",
        "तू तो बहुत बड़ा चूतिया है",
        "भोसड़ी के, निकल यहाँ से",
        "お前はバカだな、ちんこ",
        "이 개새끼야",
        "你他妈的是谁",
        "你他媽的是誰",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn devanagari_variants_read_alike_in_lexicon_and_message() {
    let m = builtin();
    for text in [
        // Nukta: as a letter and a mark, precomposed, left out, added where none belongs.
        "तू भड\u{093C}वा है",
        "तू भ\u{095C}वा है",
        "तू भडवा है",
        "तेरी ग\u{093C}ांड",
        // Chandrabindu and anusvara.
        "माँ की चूत",
        "मां की चूत",
        // Zero-width joiner and non-joiner, after a virama or inside a word.
        "कुत्\u{200D}ते की औलाद",
        "कुत्\u{200C}ते की औलाद",
        "चू\u{200B}ति\u{200D}या",
        // A number in Devanagari digits beside a term.
        "चूतिया १०० बार",
        // Spelled out, every sign apart.
        "च.ू.त.ि.य.ा",
        "क ु त ् त े  क ी  औ ल ा द",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn devanagari_words_left_out_of_the_lexicon_pass() {
    let m = builtin();
    // The innocent readings of romanized terms left out of `hi-deva.txt` (see hi-deva.md).
    for text in [
        "मेरा कुत्ता बहुत प्यारा है",
        "पुलिस की गश्ती टीम ने पटाखा फैक्ट्री पर छापा मारा",
        "आखिरी ओवर में तीन छक्के लगे",
        "शादी में साला और साली दोनों आए",
        "बलात्कार के आरोपी को सज़ा मिली",
        "सूअर का माल बाज़ार में बिका",
        "१२३४ ५६७८",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn words_that_are_insults_in_one_language_pass_in_another() {
    let m = builtin();
    // French `con` and `bite` in French; Spanish `con`, English `bite` elsewhere.
    assert!(flagged(&m, "t'es vraiment un con"));
    assert!(!flagged(&m, "un café con leche por favor"));
    assert!(flagged(&m, "c'est une bite"));
    assert!(!flagged(&m, "just a bite of the cake for me"));
}

#[test]
fn everyday_words_the_sources_list_pass_and_swear_words_in_daily_use_do_not() {
    let m = builtin();
    // Frequent words of their language the sources list beside the swear words (beer, to
    // eat, girl, fish, hammer, pump, naked, manga): judged and passed.
    for text in [
        "vou comer pizza e tomar uma cerveja",
        "あの女の子は友達です",
        "野菜が嫌いです",
        "mangio il pesce con la regina",
        "la pompa di benzina",
        "el martillo está en la mesa",
        "nackt baden ist erlaubt",
        "나는 망가를 좋아해",
        "他已经成人了",
        // Who someone is is no insult: as English `homosexual` and `gay man` pass.
        "o casamento homosexual foi aprovado",
        "ele é um homem gay",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    // Frequent words that are swear words in daily use: judged and blocked.
    for text in [
        "que merda",
        "va te faire foutre",
        "сука",
        "このビッチ",
        "他妈的",
        "씨발",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn english_terms_that_are_another_languages_words_pass_in_that_language() {
    let m = builtin();
    for text in [
        "il est en retard",
        "el perro negro de mi vecino",
        "nem mesmo a luz escapa do buraco negro",
        "Ich habe ein Ass im Ärmel",
        "wer in China dick ins Geschäft kommen will",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    // In English, or with nothing to tell the language, they are the English words; French
    // lists `negro` as a slur, so a French message keeps it blocked.
    for text in [
        "you are a retard",
        "retard",
        "negro",
        "kiss my ass",
        "you dick",
        "tu es un negro",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn everyday_words_tell_apart_languages_that_share_their_function_words() {
    let m = builtin();
    // `y` and `un` are French as much as Spanish, and French lists `negro` as a slur: the
    // Spanish and Portuguese everyday words around it settle the language.
    for text in [
        "pelo negro y ojos verdes",
        "blanco y negro",
        "un perro negro",
        "viernes negro",
        "mercado negro",
        "cabelo negro",
        // A word French shares (`mal`) makes no German message French: `Bitte` is German.
        "ihm jedes Mal seine Bitte",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    // The English every language's chat quotes is English evidence alone, and French
    // everyday words point to French.
    for text in [
        "hey amigo you negro",
        "shut up negro",
        "tu es un negro",
        "c'est vraiment un gros con",
        "quel gros con",
        "ferme ta gueule espèce de con",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn a_lexicon_term_takes_its_own_languages_endings_not_englishs() {
    let m = builtin();
    // Turkish `götte` (in the ass) with an English `s` is German `Gottes` (God's).
    for text in [
        "die Liebe Gottes",
        "Die Götter stellten",
        "les chutes du Niagara",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    for text in [
        "putas",
        "pendejos",
        "connards",
        "diese Huren",
        "Fotzen",
        "chutiyas",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn a_korean_term_is_whole_syllables_and_verbs_ending_in_ji_pass() {
    let m = builtin();
    // `보지` and `자지` read as jamo are the start of other syllables (`보직` a post, `자질`
    // aptitude, `진보진영` the progressive camp, `피자집` a pizza place): no match there.
    for text in [
        "보직 이동",
        "자질이 있는지",
        "진보진영이라는 이름으로",
        "맛있는 피자집을 발견했네요",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    // `보다` (to see) and `자다` (to sleep) with the ending `-지` before a negation.
    for text in [
        "쳐다도 보지 마세요",
        "보지도 않고 갔다",
        "잠을 자지 못했다",
        "오늘은 자지 마",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    for text in ["보지", "자지 크다", "ㅅㅣㅂㅏㄹ", "시 발", "씨발놈아"] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn korean_initials_are_found_where_letters_stand_alone() {
    let m = builtin();
    // Chat writes the commonest swear words as their initial consonants.
    for text in [
        "ㅅㅂ 진짜",
        "ㅋㅋㅋㅅㅂ",
        "ㅅ ㅂ",
        "ㅂㅅ아",
        "ㅈㄴ 웃기네",
        "ㄱㅅㄲ",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // Read as letters, syllables put the same consonants side by side (`합시다` ends a
    // syllable in `ㅂ` before `시`); and other initials are everyday chat (`ㅅㄱ`, thanks for
    // your work; `ㄱㅅ`, thanks).
    for text in [
        "합시다",
        "없습니다",
        "접속",
        "촛불",
        "ㅅㄱ ㅂㅂ",
        "ㄱㅅ합니다",
        "ㅇㅋ ㄱㄱ",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn chinese_and_japanese_terms_pass_inside_everyday_phrases_and_names() {
    let m = builtin();
    for text in [
        "你妈妈呢？",
        "妈妈的头发又黑又亮。",
        "你老板姓李吗？",
        "你全家都好吗",
        "ジョコビッチが優勝した",
        "ホモサピエンスの歴史",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    for text in ["你妈的", "操你妈", "操你全家", "このビッチ"] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn a_cyrillic_term_read_in_latin_look_alikes_clashes_only_in_latin_letters() {
    let m = builtin();
    // `чмо` read as Latin letters is `amo`, "I love" in Spanish, Portuguese and Italian.
    for text in ["te amo", "ti amo tanto", "eu te amo"] {
        assert!(!flagged(&m, text), "{text}");
    }
    for text in ["ты чмо", "чмо"] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn a_russian_phrase_in_latin_look_alikes_is_read_with_its_one_letter_words() {
    let m = builtin();
    // Look-alikes in every word but the preposition `в`, which has no other letter to mix.
    assert!(flagged(&m, "лыcoгo в кyлaкe гoнять"));
    assert!(!flagged(&m, "я в шоке, ты в порядке"));
}

#[test]
fn words_of_other_languages_that_fold_like_an_english_term_pass() {
    let m = builtin();
    // Marked words judged false friends of an English spelling: grated, to advocate,
    // injuries, smooth talk, herbs.
    for text in [
        "du fromage râpé sur les pâtes",
        "il faut prôner la paix",
        "as lesões foram graves",
        "ele tem muita lábia",
        "frische Kräuter",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    // An accented letter is no upside-down or look-alike spelling: aunts.
    assert!(!flagged(&m, "vinieron mis tías a casa"));
    // The English word with the language's accent stays blocked, and so does the English
    // word in an English message.
    for text in ["pénis", "pornô", "rape is a crime"] {
        assert!(flagged(&m, text), "{text}");
    }
}

#[test]
fn a_swear_word_in_two_languages_is_blocked_alone() {
    let m = builtin();
    // A Spanish and Portuguese swear word, an Italian and Spanish one: no clash between the
    // two languages, so a message of the word alone is blocked.
    for text in ["puta", "Culo!", "merda", "cagar"] {
        assert!(flagged(&m, text), "{text}");
    }
    // Portuguese `puto` is a kid: a clash that stays.
    assert!(!flagged(&m, "puto"));
}

#[test]
fn a_term_spelled_with_its_marks_is_no_word_of_the_other_languages() {
    let m = builtin();
    // Turkish `göt` and `piç`, Spanish `coño`: with their marks, in any case or Unicode form,
    // full-width, or with leetspeak for the letters without marks.
    for text in [
        "göt",
        "GÖT",
        "go\u{308}t",
        "nice piç",
        "¡Coño!",
        "c0ñ0",
        "ｃｏñｏ",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // Without them they are the English and Italian words, and where the marks make
    // another word of the term's own language, that word, however Spanish the message
    // (`cono`, a cone; German `Mose`, Moses).
    for text in [
        "got it",
        "g0t it",
        "nice pic",
        "un cono de helado",
        "quiero un cono de helado de chocolate",
        "el cono de la carretera",
        "die Geschichte von Mose",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
    assert!(flagged(&m, "eres un coño"));
}

#[test]
fn words_stretched_by_repeating_a_letter_are_blocked_in_every_alphabet() {
    let m = builtin();
    for text in [
        "ты сукааааа",
        "бляяяять",
        "كسسسس امك",
        "चूूूतिया",
        "orospuuuu",
        "草泥泥泥马",
        "まんんんこ",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // Letters doubled in ordinary spelling stay ordinary.
    for text in [
        "первый класс",
        "новая программа",
        "الله أكبر",
        "谢谢大家",
        "哈哈哈哈",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn romanized_hindi_is_told_by_its_own_words() {
    let m = builtin();
    // `chut` is French for hush: in a message of Hinglish words it is the Hindi term.
    assert!(flagged(&m, "kya chut hai yaar"));
    assert!(flagged(&m, "teri behen ki chut"));
    assert!(!flagged(&m, "chut, le bébé dort"));
    // The abbreviations of `madarchod` and `behenchod` together; each alone is many others.
    assert!(flagged(&m, "mc bc"));
    assert!(flagged(&m, "bc mc saale"));
    assert!(!flagged(&m, "bc I forgot"));
    assert!(!flagged(&m, "the mc was great"));
}

#[test]
fn arabic_insults_in_latin_letters_are_whole_words() {
    let m = builtin();
    for text in [
        "ya sharmouta",
        "kos omak",
        "SHARMOOTA",
        "sh@rm0uta",
        "yel3an abook",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // `manyak` is Turkish for a maniac.
    assert!(!flagged(&m, "manyak adam bu"));
}

#[test]
fn the_projects_own_terms_are_blocked_and_their_hiding_words_pass() {
    let m = builtin();
    for text in [
        "كس امك",
        "ك س ا م ك",
        "иди нахуй пидор",
        "시발 진짜",
        "死ね",
        "草泥马",
        "fils de pute",
        "sei uno stronzo, anzi siete stronzi",
        "conchetumare",
        "eres un mamaverga",
        "seu boiola",
        "ㅆ발 진짜",
        "ㅈ같네",
        "개세끼야",
        "タヒね",
        "benchod",
        "tmkc yaar",
        "du pissnelke",
        "seu piru",
        "ты долбаеб",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // Chinese game chat's commonest insult, in characters and in its initials.
    for text in ["你妈死了", "nmsl", "cnmb"] {
        assert!(flagged(&m, text), "{text}");
    }
    // Korean `시발점` (starting point), Japanese `死ねる` (can die).
    for text in [
        "여기가 시발점이야",
        "死ねる",
        "옷발 좋다",
        "잊까",
        "タヒチ",
        "no quiero que te me dé miedo",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn digits_typed_inside_a_word_without_spaces_do_not_hide_it() {
    let m = builtin();
    for text in ["시1발 진짜", "ㅅ1ㅂ", "병1신아", "死1ね", "他1妈的"] {
        assert!(flagged(&m, text), "{text}");
    }
    // Times, dates and numbered things stay as they are.
    for text in ["3시30분에 만나", "1월1일", "제1장", "第1回", "我有3个"] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn a_star_between_two_hangul_syllables_does_not_hide_a_word() {
    let m = builtin();
    for text in ["개*새끼", "미*친놈아", "씨*발놈", "좆*같네"] {
        assert!(flagged(&m, text), "{text}");
    }
    // Two stars, or a star beside something else, stay as typed.
    for text in ["안*녕하세요", "별*점 5개", "3*4=12", "개**새"] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn latin_alphabet_terms_are_found_with_the_letters_chat_swaps() {
    let m = builtin();
    for text in [
        "eres una pvta",
        "que kabrón eres",
        "eres un gilipoyas",
        "pinche kulero",
        "karalho mano",
        "que bvceta",
        "quel konnard",
        "du hvrensohn",
        "sheisse",
        "minkia ragazzi",
        "sei un koglione",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // A swap that spells another word is that word's: Catalan `Berga`, English `kazoo`, and
    // the language's own everyday words are swapped into nothing.
    for text in [
        "vivo en Berga",
        "a kazoo solo",
        "el kiosko de la esquina",
        "vamos al parque",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn korean_terms_typed_in_latin_letters_are_whole_words() {
    let m = builtin();
    // Romanized as chat writes them, and typed on the Korean keyboard left in Latin mode.
    for text in [
        "sibal",
        "ssibal jinjja",
        "shibal",
        "Sibbal",
        "gaesaekki",
        "gaesaeki ya",
        "byungsin",
        "byeongsin",
        "jiral hane",
        "tlqkf",
        "qudtls",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // A whole word only, and not a romanization that is another word: the shiba dog, a
    // place, an everyday word left out in Hangul.
    for text in [
        "sibaltic",
        "isibal",
        "shiba inu",
        "La Jolla cove",
        "boji ma",
        "michin",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn a_rooms_languages_narrow_the_built_in_set() {
    let set = PolicySet::from_json_str(
        r#"{"rooms": [
            {"ids": ["es1"], "policy": {"blocklists": {"languages": ["es"]}}},
            {"ids": ["fr1"], "policy": {"blocklists": {"languages": ["fr"]}}}
        ]}"#,
    )
    .expect("a valid policy");
    let m = Moderator::new(&set).expect("it compiles");
    let es = RoomRef {
        id: "es1",
        name: None,
    };
    let fr = RoomRef {
        id: "fr1",
        name: None,
    };
    let hit = |room: RoomRef<'_>, text: &str| {
        m.review(room, text)
            .rules
            .iter()
            .any(|r| r.kind == RuleKind::BlocklistMask)
    };
    assert!(hit(es, "eres una puta"));
    assert!(!hit(es, "quel con celui-là"));
    assert!(!hit(es, "fuck"));
    // French only: `con` has no other language to be an ordinary word of.
    assert!(hit(fr, "con"));
    assert!(!hit(fr, "eres una puta"));
    let bad = PolicySet::from_json_str(r#"{"default": {"blocklists": {"languages": ["xx"]}}}"#);
    assert!(bad.is_err_and(|e| e.to_string().contains("blocklists.languages[0]")));
}

fn devanagari(term: &str) -> bool {
    term.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
}

/// A group recall is reported for: a language, its name in the report, and which of the
/// language's terms belong to it.
struct Group {
    lang: &'static str,
    name: &'static str,
    holds: fn(&str) -> bool,
}

/// Each language, and Hindi twice, romanized (`hi`) and in Devanagari (`hi-deva`), each
/// with the terms of its script.
fn groups() -> Vec<Group> {
    let mut out = Vec::new();
    for lang in LEXICON_LANGUAGES {
        if lang == "hi" {
            out.push(Group {
                lang,
                name: "hi",
                holds: |t| !devanagari(t),
            });
            out.push(Group {
                lang,
                name: "hi-deva",
                holds: devanagari,
            });
        } else {
            out.push(Group {
                lang,
                name: lang,
                holds: |_| true,
            });
        }
    }
    out
}

/// Recall on evasions per language, over the terms of one half: `(group, caught, total)`.
/// With `ambiguous`, only the terms that are ordinary words of another language (blocked
/// when the message reads as the term's language: a short message often does not);
/// without, only the others.
fn recall(held_out: bool, ambiguous: bool) -> Vec<(&'static str, usize, usize)> {
    let m = builtin();
    let mut rng = Rng(0x005E_ED0F_E7A5_1045);
    let mut out = Vec::new();
    for Group {
        lang,
        name: group,
        holds: in_group,
    } in groups()
    {
        let (mut caught, mut total) = (0, 0);
        let mut missed = Vec::new();
        for (i, entry) in lexicon_terms(lang).enumerate() {
            if (i % 2 == 1) != held_out
                || entry.term.is_empty()
                || entry.ambiguous != ambiguous
                || !in_group(entry.term)
            {
                continue;
            }
            for _ in 0..3 {
                let form = evade(lang, &entry.term.to_lowercase(), rng.next());
                let msg = in_message(lang, &form, [rng.next(), rng.next(), rng.next()]);
                total += 1;
                if flagged(&m, &msg) {
                    caught += 1;
                } else if missed.len() < 12 {
                    missed.push(msg);
                }
            }
        }
        eprintln!(
            "{group}{}: {caught}/{total} evasions caught ({:.1}%), missed e.g. {missed:?}",
            if ambiguous { " (ambiguous terms)" } else { "" },
            100.0 * caught as f64 / total.max(1) as f64
        );
        out.push((group, caught, total));
    }
    out
}

#[test]
fn evasions_of_every_language_are_caught() {
    // Reported, not asserted: what context does to the terms shared with another language.
    recall(true, true);
    let results = recall(true, false);
    let (caught, total) = results
        .iter()
        .fold((0, 0), |(c, t), (_, ci, ti)| (c + ci, t + ti));
    let overall = caught as f64 / total as f64;
    eprintln!("held out: {caught}/{total} ({:.1}%)", overall * 100.0);
    assert!(overall >= 0.95, "overall recall {overall}");
    for (group, c, t) in results {
        assert!(c as f64 / t.max(1) as f64 >= 0.9, "{group}: {c}/{t}");
        // Hindi in Devanagari: a lexicon of this project's (`hi-deva.md`), held to more.
        if group == "hi-deva" {
            assert!(t >= 100 && c as f64 / t as f64 >= 0.95, "{group}: {c}/{t}");
        }
    }
}

#[test]
fn digits_in_a_russian_word_stand_for_cyrillic_letters() {
    let m = builtin();
    for text in ["ты пи3да", "п1здец", "6лядь", "бл9ть", "ху1ня"] {
        assert!(flagged(&m, text), "{text}");
    }
    // Numbers beside Russian words, and digits in words of Latin letters, stay as they were.
    for text in [
        "в 2024 году",
        "ту-154",
        "3д принтер",
        "мп3 плеер",
        "х0чу",
        "4ел",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn russian_words_with_letters_hidden_behind_stars_are_read() {
    let m = builtin();
    for text in ["бл*ть", "ну п*здец", "х*й", "ёб*ный", "иди н*хуй", "м*дак"]
    {
        assert!(flagged(&m, text), "{text}");
    }
    // Ordinary words censored for fun, and the engine's own masks, stay as they are.
    for text in ["как д*ла", "пр*вет", "рас****яй"] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn latin_words_of_other_languages_with_letters_hidden_behind_stars_are_read() {
    let m = builtin();
    for text in [
        "hijo de p*ta",
        "pend*jo",
        "sch**sse",
        "c*zzo",
        "car*lho",
        "p*tain de merde",
        "s*ktir git",
        "ch*tiya hai",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // Stars that hide no letter of a word, and a transliteration's shape that an ordinary
    // word fits (`u*ban`, Russian `ueban` in Latin letters, or `urban`).
    for text in ["4*5=20", "ptr*const", "see *bold* text", "an u*ban legend"] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn russian_terms_in_latin_letters_are_whole_words() {
    let m = builtin();
    // Transliterated as chat writes them: `х` as `h` or `x`, a final voiced consonant said
    // voiceless (`blyat`), and the look-alike spelling of `сука`.
    for text in [
        "suka blyat",
        "blyad",
        "pizdec",
        "pizdets",
        "idi nahuy",
        "na xuy",
        "mudak",
        "govno",
        "zhopa",
        "cyka",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // A whole word only, and not a spelling that is another language's word: Turkish `ebat`
    // (size), Portuguese `muda` (changes), English `her` (`хер`), a three-letter name.
    for text in [
        "blyatiful",
        "ebat ölçüsü",
        "ela muda de ideia",
        "her name",
        "Huy from Hanoi",
    ] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn chinese_terms_in_pinyin_are_whole_words_glued_to_han_too() {
    let m = builtin();
    // Run together, spaced, as initials, and glued to Han characters as Chinese writes a
    // word in Latin letters; an English term glued so is a whole word as well.
    for text in [
        "caonima",
        "cao ni ma",
        "你个shabi",
        "你個caonima的",
        "ntmd",
        "这这g e l a o z i d e你",
        "你是fuck你",
        "sibal이",
    ] {
        assert!(flagged(&m, text), "{text}");
    }
    // The pinyin of an ordinary word read alike without tones (星期, week), a Latin word
    // glued to Han, and a term inside a longer Latin word.
    for text in ["xingqi yi", "我用iPhone", "我们的class", "shabiz"] {
        assert!(!flagged(&m, text), "{text}");
    }
}

#[test]
fn turkish_words_keep_their_own_letters_and_capitals() {
    let m = builtin();
    // Written with a letter of Turkish's alphabet the term does not write, a word is another
    // word (`şike`, match fixing; `şık`, chic), whatever the case.
    for innocent in ["maçta şike var", "ŞİKE", "bu çok şık", "ŞIK", "SIKIYÖNETİM"] {
        assert!(!flagged(&m, innocent), "{innocent}");
    }
    // A message typed with `İ` writes `ı` as `I`: `SIKICI` is `sıkıcı`, boring, even shouted
    // and lowercased; its insults are still read (`AMINA` as `amına`).
    let shouted = m.review(ROOM, "BU FİLM ÇOK SIKICI");
    assert!(
        !shouted.content.contains('*') && !flagged(&m, "BU FİLM ÇOK SIKICI"),
        "{shouted:?}"
    );
    for insult in ["BU FİLM ÇOK KÖTÜ AMINA KOYAYIM", "SİKTİR GİT", "maçta sike"] {
        assert!(flagged(&m, insult), "{insult}");
    }
}

#[test]
fn frequent_words_of_languages_not_shipped_that_hold_a_root_pass() {
    let m = builtin();
    // Danish, Norwegian, Hungarian, Finnish, Malay and Dutch words that start with a Turkish
    // or hold a German root.
    for innocent in [
        "jeg er sikker",
        "det er sikkert",
        "Sikkerhet først",
        "ez nagyon sikerült",
        "siksi en tiedä",
        "sikit saja",
        "dat is nutteloos",
    ] {
        assert!(!flagged(&m, innocent), "{innocent}");
    }
    // The roots' own families are still read, a longer word of theirs too.
    for insult in [
        "siktim",
        "siktirin lan",
        "siker",
        "sikerim seni",
        "du nutte",
    ] {
        assert!(flagged(&m, insult), "{insult}");
    }
}

#[test]
fn a_term_that_is_a_word_of_a_language_not_shipped_passes_in_a_message_of_that_language() {
    let m = builtin();
    // Indonesian `suka` (to like), Swedish `slut` (end), Tagalog `paki` (please), Dutch `kunt`
    // (can), Danish `kys` (kiss), Malay `haji` (pilgrim), among words of their language.
    for innocent in [
        "aku suka kamu",
        "saya suka lagu ini",
        "det är slut nu",
        "paki naman po",
        "jij kunt het",
        "kys mig",
        "pergi haji tahun ini",
    ] {
        assert!(!flagged(&m, innocent), "{innocent}");
    }
    // Alone, or among words of a shipped language, they are the terms; Russian written in
    // Latin letters is read as Russian (`ty`, you), not as Czech or Polish.
    for insult in [
        "suka",
        "ty suka",
        "slut",
        "you slut",
        "paki",
        "you paki po",
        "you fucking paki",
    ] {
        assert!(flagged(&m, insult), "{insult}");
    }
}
