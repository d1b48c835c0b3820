//! The automaton the lexicon's terms are searched with: an Aho-Corasick DFA over the folded
//! text (one table look-up per byte) that reports every overlapping match, built in one
//! breadth-first pass.
//!
//! The `aho-corasick` crate builds the same DFA from its NFA by following failure links for
//! every state and every byte, and that was three quarters of compiling the built-in policy
//! (and so of the review function's cold start). Here each state's row is its own trie
//! transitions with the rest copied from its failure state's row, which breadth-first order
//! has already finished: one pass over the table. What a walk reports is tested against that
//! crate's `find_overlapping_iter`.

use serde::{Deserialize, Serialize};

use super::prebuilt::{byte_table, flag_table, le_words};

/// A trie transition not made yet, while building.
const NONE: u32 = u32::MAX;

/// An Aho-Corasick DFA for unanchored, overlapping search. (Its tables are written into a
/// prebuilt lexicon as little-endian bytes, read back in one pass.)
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct TermAutomaton {
    /// Row after row, one entry per byte class; a state's ID is where its row starts, and
    /// the match states come first, so that `id < match_end` tells a match state.
    #[serde(with = "le_words")]
    trans: Vec<u32>,
    /// The class of each byte: bytes that no pattern tells apart share one.
    #[serde(with = "byte_table")]
    classes: [u8; 256],
    /// The bytes that no pattern holds: reading one goes back to the start state (no
    /// pattern's prefix ends with it), so a walk can pass over a run of them at once.
    #[serde(with = "flag_table")]
    absent: [bool; 256],
    /// The length of a row.
    stride: u32,
    start: u32,
    match_end: u32,
    /// The patterns a match state ends, its own first and then its failure state's, in the
    /// order `find_overlapping_iter` reports them: match state `i` (ID `i * stride`) lists
    /// `match_ids[match_from[i]..match_from[i + 1]]`.
    #[serde(with = "le_words")]
    match_from: Vec<u32>,
    #[serde(with = "le_words")]
    match_ids: Vec<u32>,
    #[serde(with = "le_words")]
    pattern_lens: Vec<u32>,
}

/// The patterns are too many for the automaton's 32-bit state IDs.
#[derive(Debug, thiserror::Error)]
#[error("the terms make more than {} automaton states", u32::MAX)]
pub(crate) struct TooManyStates;

impl TermAutomaton {
    /// The automaton of `patterns`, which reports pattern `k` by its index. An empty pattern
    /// is found nowhere.
    pub(crate) fn new(patterns: &[Vec<u8>]) -> Result<Self, TooManyStates> {
        let mut used = [false; 256];
        for &b in patterns.iter().flatten() {
            used[usize::from(b)] = true;
        }
        let (classes, stride) = byte_classes(&used);
        let absent = used.map(|u| !u);
        let mut builder = Trie {
            trans: vec![NONE; stride],
            own: vec![Vec::new()],
            stride,
        };
        for (k, pattern) in patterns.iter().enumerate() {
            if pattern.is_empty() {
                continue;
            }
            let k = u32::try_from(k).map_err(|_| TooManyStates)?;
            let mut state = 0usize;
            for &b in pattern {
                state = builder.child(state, classes[usize::from(b)])?;
            }
            builder.own[state].push(k);
        }
        let (order, matches) = builder.link();
        let pattern_lens = patterns
            .iter()
            .map(|p| u32::try_from(p.len()).map_err(|_| TooManyStates))
            .collect::<Result<_, _>>()?;
        Self::renumbered(builder, &order, matches, (classes, absent), pattern_lens)
    }

    /// The finished automaton, its match states moved to the front and every ID made the
    /// start of its row.
    fn renumbered(
        trie: Trie,
        order: &[usize],
        matches: Vec<Vec<u32>>,
        (classes, absent): ([u8; 256], [bool; 256]),
        pattern_lens: Vec<u32>,
    ) -> Result<Self, TooManyStates> {
        let stride = trie.stride;
        let states = trie.trans.len() / stride;
        let mut new_index = vec![0u32; states];
        let (matching, plain): (Vec<usize>, Vec<usize>) =
            order.iter().partition(|&&s| !matches[s].is_empty());
        let mut match_from = Vec::with_capacity(matching.len() + 1);
        let mut match_ids = Vec::new();
        for (i, &s) in matching.iter().chain(&plain).enumerate() {
            let id = i.checked_mul(stride).ok_or(TooManyStates)?;
            new_index[s] = u32::try_from(id).map_err(|_| TooManyStates)?;
        }
        for &s in &matching {
            match_from.push(u32::try_from(match_ids.len()).map_err(|_| TooManyStates)?);
            match_ids.extend_from_slice(&matches[s]);
        }
        match_from.push(u32::try_from(match_ids.len()).map_err(|_| TooManyStates)?);
        let mut trans = vec![0u32; states * stride];
        for (old, row) in trie.trans.chunks_exact(stride).enumerate() {
            let at = new_index[old] as usize;
            for (slot, &next) in trans[at..at + stride].iter_mut().zip(row) {
                *slot = new_index[next as usize];
            }
        }
        let match_end = u32::try_from(matching.len() * stride).map_err(|_| TooManyStates)?;
        Ok(Self {
            trans,
            classes,
            absent,
            stride: u32::try_from(stride).map_err(|_| TooManyStates)?,
            start: new_index[0],
            match_end,
            match_from,
            match_ids,
            pattern_lens,
        })
    }

    /// The state a search starts in.
    pub(crate) fn start(&self) -> u32 {
        self.start
    }

    /// The state after `state` reads `byte`.
    #[inline(always)]
    pub(crate) fn next(&self, state: u32, byte: u8) -> u32 {
        let at = state as usize + usize::from(self.classes[usize::from(byte)]);
        // Every entry is the start of a row: a look-up out of the table cannot happen.
        self.trans.get(at).copied().unwrap_or(self.start)
    }

    /// Whether no pattern holds `byte`: reading it goes back to the start state, which is no
    /// match state (no pattern is found empty).
    #[inline(always)]
    pub(crate) fn absent(&self, byte: u8) -> bool {
        self.absent[usize::from(byte)]
    }

    /// Whether reaching `state` ends a match.
    #[inline(always)]
    pub(crate) fn is_match(&self, state: u32) -> bool {
        state < self.match_end
    }

    /// The patterns that end where the search reached `state`.
    pub(crate) fn matches(&self, state: u32) -> &[u32] {
        if !self.is_match(state) || self.stride == 0 {
            return &[];
        }
        let i = (state / self.stride) as usize;
        match (self.match_from.get(i), self.match_from.get(i + 1)) {
            (Some(&from), Some(&to)) => self.match_ids.get(from as usize..to as usize),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// The length in bytes of pattern `k`.
    pub(crate) fn pattern_len(&self, k: u32) -> usize {
        self.pattern_lens.get(k as usize).map_or(0, |&l| l as usize)
    }

    /// How many patterns the automaton was built from.
    pub(crate) fn patterns(&self) -> usize {
        self.pattern_lens.len()
    }

    /// Whether the tables hold together as `new` builds them, for an automaton read back from
    /// bytes: rows of `stride` entries, the start state and the end of the match states at the
    /// start of a row, every byte's class within a row, the match states' lists within
    /// `match_ids`, and every pattern listed one of the patterns, not empty. The transitions
    /// themselves are not read through (a third of reading the snapshot): whatever they hold,
    /// a look-up never panics (`next`), and the snapshot's header and length tell one written
    /// by another build or cut short.
    pub(crate) fn is_consistent(&self) -> bool {
        let stride = self.stride as usize;
        let len = self.trans.len();
        let row_start = |id: u32| (id as usize) < len && id.is_multiple_of(self.stride);
        let states_ok = stride > 0
            && len.is_multiple_of(stride)
            && row_start(self.start)
            && (self.match_end == 0
                || self
                    .match_end
                    .checked_sub(self.stride)
                    .is_some_and(row_start))
            && self.classes.iter().all(|&c| usize::from(c) < stride);
        let match_states = self.match_end as usize / stride.max(1);
        let lists_ok = self.match_from.len() == match_states + 1
            && self.match_from.first() == Some(&0)
            && self.match_from.last().map(|&to| to as usize) == Some(self.match_ids.len())
            && self.match_from.windows(2).all(|w| w[0] <= w[1]);
        let ids_ok = self
            .match_ids
            .iter()
            .all(|&k| self.pattern_lens.get(k as usize).is_some_and(|&l| l > 0));
        states_ok && lists_ok && ids_ok
    }
}

/// The trie of the patterns while it is built: state `s`'s row is
/// `trans[s * stride..(s + 1) * stride]`, state 0 the root.
struct Trie {
    trans: Vec<u32>,
    /// The patterns that end at each state.
    own: Vec<Vec<u32>>,
    stride: usize,
}

impl Trie {
    /// The state `state` goes to on `class`, made if it is new.
    fn child(&mut self, state: usize, class: u8) -> Result<usize, TooManyStates> {
        let at = state * self.stride + usize::from(class);
        match self.trans[at] {
            NONE => {
                let new = self.own.len();
                let id = u32::try_from(new)
                    .ok()
                    .filter(|&id| id != NONE)
                    .ok_or(TooManyStates)?;
                self.trans[at] = id;
                self.trans.resize(self.trans.len() + self.stride, NONE);
                self.own.push(Vec::new());
                Ok(new)
            }
            next => Ok(next as usize),
        }
    }

    /// Turns the trie into the DFA in place, breadth first: a missing transition of a state
    /// becomes its failure state's, and a state's matches are its own then its failure
    /// state's. Returns the states in breadth-first order and each state's matches.
    fn link(&mut self) -> (Vec<usize>, Vec<Vec<u32>>) {
        let stride = self.stride;
        let mut fail = vec![0usize; self.own.len()];
        let mut matches: Vec<Vec<u32>> = std::mem::take(&mut self.own);
        let mut order = Vec::with_capacity(matches.len());
        order.push(0);
        for slot in &mut self.trans[..stride] {
            if *slot == NONE {
                *slot = 0;
            } else {
                order.push(*slot as usize);
            }
        }
        // The failure state's row, copied out while the state's own row is written, and the
        // children found in it, with the state each fails to.
        let mut failure_row = vec![0u32; stride];
        let mut children: Vec<(usize, u32)> = Vec::new();
        let mut next = 1;
        while let Some(&state) = order.get(next) {
            next += 1;
            let failure = fail[state] * stride;
            failure_row.copy_from_slice(&self.trans[failure..failure + stride]);
            let row = &mut self.trans[state * stride..(state + 1) * stride];
            for (slot, &via_failure) in row.iter_mut().zip(&failure_row) {
                if *slot == NONE {
                    *slot = via_failure;
                } else {
                    children.push((*slot as usize, via_failure));
                }
            }
            for (child, via_failure) in children.drain(..) {
                let via_failure = via_failure as usize;
                fail[child] = via_failure;
                if !matches[via_failure].is_empty() {
                    let inherited = matches[via_failure].clone();
                    matches[child].extend(inherited);
                }
                order.push(child);
            }
        }
        (order, matches)
    }
}

/// Each byte's class, and how many classes: a byte that some pattern holds (`used`) has a
/// class of its own, and each run of bytes between two such bytes shares one.
fn byte_classes(used: &[bool; 256]) -> ([u8; 256], usize) {
    let mut classes = [0u8; 256];
    let mut class = 0u8;
    for b in 0..256 {
        // At most 256 classes: the 255 bytes after the first start one each at most.
        if b > 0 && (used[b] || used[b - 1]) {
            class = class.saturating_add(1);
        }
        classes[b] = class;
    }
    (classes, usize::from(class) + 1)
}
