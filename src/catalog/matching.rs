//! What a parsed search ([`SearchQuery`]) asks of the index (#12): one tantivy query scoring BM25
//! over the job's fields, strongest first: the title (and the title's exact words, so
//! `accountant` outranks its stem-mate `Account Executive`), the company, the category and the
//! location, then the description. Every group of the query must match somewhere; within a word,
//! typos are forgiven (edit distance 1 from 5 characters, 2 from 9, never on the first character)
//! and the word being typed matches as a prefix; abbreviations also match their long forms
//! ([`synonyms`]). Typo and prefix matches score a constant below a real match of the same field.

use std::fmt;
use std::sync::{Arc, OnceLock};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{
    AutomatonWeight, BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery,
    Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Score, Term};
use tantivy_fst::Automaton;

use super::analysis;
use super::index::Fields;
use super::search_query::{Clause, SearchQuery, synonyms};

/// Field weights: how much a match in each field counts.
const TITLE: Score = 5.0;
const TITLE_EXACT: Score = 3.0;
const COMPANY: Score = 3.0;
const CATEGORY: Score = 2.0;
const LOCATION: Score = 2.0;
const DESCRIPTION: Score = 1.0;
/// A typo match of the title or company counts as a constant this large.
const FUZZY: Score = 2.0;
/// A prefix match of the word being typed counts as a constant this large.
const PREFIX: Score = 2.5;
/// A long form found through [`synonyms`] counts this much of a typed word.
const SYNONYM: Score = 0.9;
/// Shortest word matched as a prefix.
const MIN_PREFIX: usize = 3;

/// The text part of a search, or `None` when `q` asks for nothing the index can match (empty, or
/// only punctuation): then every job matches.
pub fn text_query(f: &Fields, q: &SearchQuery) -> Option<Box<dyn Query>> {
    let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for group in &q.groups {
        let alternatives: Vec<(Occur, Box<dyn Query>)> = group
            .iter()
            .filter_map(|c| clause(f, c, true))
            .map(|q| (Occur::Should, q))
            .collect();
        match alternatives.len() {
            0 => {}
            1 => top.extend(alternatives.into_iter().map(|(_, q)| (Occur::Must, q))),
            _ => top.push((Occur::Must, Box::new(BooleanQuery::new(alternatives)))),
        }
    }
    if top.is_empty() {
        return None;
    }
    for c in &q.excluded {
        if let Some(q) = clause(f, c, false) {
            top.push((Occur::MustNot, q));
        }
    }
    Some(Box::new(BooleanQuery::new(top)))
}

/// The excluded clauses alone (a query of only `-word`s: every job but those).
pub fn exclusions(f: &Fields, q: &SearchQuery) -> Vec<Box<dyn Query>> {
    if !q.groups.is_empty() {
        return Vec::new();
    }
    q.excluded
        .iter()
        .filter_map(|c| clause(f, c, false))
        .collect()
}

/// One clause: a word (with its typos, prefix and synonyms when `lenient`) or a phrase, in any
/// field.
fn clause(f: &Fields, c: &Clause, lenient: bool) -> Option<Box<dyn Query>> {
    let mut any: Vec<Box<dyn Query>> = Vec::new();
    match c {
        Clause::Word { text, prefix } => {
            let stems = analysis::terms(text);
            let exact = analysis::exact_terms(text);
            if stems.is_empty() {
                return None;
            }
            any.extend(words(f, &stems, &exact, 1.0));
            if lenient {
                if stems.len() == 1 && exact.len() == 1 {
                    any.extend(typos(f, &exact[0], &stems[0]));
                    if *prefix && exact[0].chars().count() >= MIN_PREFIX {
                        any.extend(prefixes(f, &exact[0]));
                    }
                }
                for alt in synonyms(text) {
                    let stems = analysis::terms(alt);
                    let exact = analysis::exact_terms(alt);
                    any.extend(words(f, &stems, &exact, SYNONYM));
                }
            }
        }
        Clause::Phrase(ws) => {
            let text = ws.join(" ");
            let stems = analysis::terms(&text);
            let exact = analysis::exact_terms(&text);
            if stems.is_empty() {
                return None;
            }
            any.extend(words(f, &stems, &exact, 1.0));
        }
    }
    Some(Box::new(BooleanQuery::new(
        any.into_iter().map(|q| (Occur::Should, q)).collect(),
    )))
}

/// `stems` (and `exact`, the same words unstemmed) as a term (one word) or a phrase (several)
/// in every text field, weighted.
fn words(f: &Fields, stems: &[String], exact: &[String], weight: Score) -> Vec<Box<dyn Query>> {
    let mut out = Vec::new();
    for (field, boost) in [
        (f.title, TITLE),
        (f.company, COMPANY),
        (f.category, CATEGORY),
        (f.location, LOCATION),
        (f.description, DESCRIPTION),
    ] {
        out.push(boosted(terms_query(field, stems), boost * weight));
    }
    if !exact.is_empty() {
        out.push(boosted(
            terms_query(f.title_exact, exact),
            TITLE_EXACT * weight,
        ));
    }
    out
}

fn terms_query(field: Field, words: &[String]) -> Box<dyn Query> {
    let terms: Vec<Term> = words
        .iter()
        .map(|w| Term::from_field_text(field, w))
        .collect();
    if terms.len() == 1 {
        Box::new(TermQuery::new(
            terms[0].clone(),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new(terms))
    }
}

fn boosted(q: Box<dyn Query>, boost: Score) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

/// The edit distance forgiven in a word of `len` characters.
pub fn typo_distance(len: usize) -> u8 {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Typo matches of one word in the title (its exact words) and the company name.
fn typos(f: &Fields, exact: &str, stem: &str) -> Vec<Box<dyn Query>> {
    let distance = typo_distance(exact.chars().count());
    if distance == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (field, word) in [(f.title_exact, exact), (f.company, stem)] {
        if let Some(a) = FirstCharFixed::new(word, distance) {
            out.push(boosted(
                Box::new(AutomatonQuery {
                    field,
                    automaton: Arc::new(Matcher::Fuzzy(a)),
                }),
                FUZZY,
            ));
        }
    }
    out
}

/// Prefix matches of the word being typed in the title, company, category and location.
fn prefixes(f: &Fields, exact: &str) -> Vec<Box<dyn Query>> {
    [f.title_exact, f.company, f.category, f.location]
        .into_iter()
        .map(|field| {
            boosted(
                Box::new(AutomatonQuery {
                    field,
                    automaton: Arc::new(Matcher::Prefix(exact.as_bytes().to_vec())),
                }),
                PREFIX,
            )
        })
        .collect()
}

/// The term automata this module matches with.
enum Matcher {
    Fuzzy(FirstCharFixed),
    /// Terms starting with these bytes.
    Prefix(Vec<u8>),
}

#[derive(Clone)]
pub enum MatchState {
    /// Inside the fixed part, this many bytes in.
    Head(usize),
    /// Past it, in the Levenshtein automaton.
    Tail(u32),
    /// A prefix matched: anything may follow.
    Any,
    Dead,
}

impl Automaton for Matcher {
    type State = MatchState;

    fn start(&self) -> MatchState {
        MatchState::Head(0)
    }

    fn is_match(&self, s: &MatchState) -> bool {
        match (self, s) {
            (Matcher::Fuzzy(a), MatchState::Tail(t)) => {
                matches!(a.dfa.distance(*t), Distance::Exact(_))
            }
            (Matcher::Prefix(_), MatchState::Any) => true,
            _ => false,
        }
    }

    fn can_match(&self, s: &MatchState) -> bool {
        match s {
            MatchState::Dead => false,
            MatchState::Tail(t) => *t != SINK_STATE,
            _ => true,
        }
    }

    fn accept(&self, s: &MatchState, byte: u8) -> MatchState {
        let head: &[u8] = match self {
            Matcher::Fuzzy(a) => &a.head,
            Matcher::Prefix(p) => p,
        };
        match s {
            MatchState::Head(i) if head.get(*i) == Some(&byte) => {
                if i + 1 < head.len() {
                    MatchState::Head(i + 1)
                } else {
                    match self {
                        Matcher::Fuzzy(a) => MatchState::Tail(a.dfa.initial_state()),
                        Matcher::Prefix(_) => MatchState::Any,
                    }
                }
            }
            MatchState::Tail(t) => match self {
                Matcher::Fuzzy(a) => MatchState::Tail(a.dfa.transition(*t, byte)),
                Matcher::Prefix(_) => MatchState::Dead,
            },
            MatchState::Any => MatchState::Any,
            _ => MatchState::Dead,
        }
    }
}

/// Words within an edit distance of a word, its first character fixed: the first character's
/// bytes, then a Levenshtein automaton (a transposition costs one) of the rest.
pub struct FirstCharFixed {
    head: Vec<u8>,
    dfa: DFA,
}

impl FirstCharFixed {
    fn new(word: &str, distance: u8) -> Option<Self> {
        let first = word.chars().next()?;
        let rest = &word[first.len_utf8()..];
        let builder = builder(distance)?;
        Some(FirstCharFixed {
            head: first.to_string().into_bytes(),
            dfa: builder.build_dfa(rest),
        })
    }
}

/// Building a Levenshtein automaton builder is costly (distance 2 especially): one per distance.
fn builder(distance: u8) -> Option<&'static LevenshteinAutomatonBuilder> {
    static ONE: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    static TWO: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
    match distance {
        1 => Some(ONE.get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))),
        2 => Some(TWO.get_or_init(|| LevenshteinAutomatonBuilder::new(2, true))),
        _ => None,
    }
}

/// A query matching the terms of `field` that an automaton accepts (constant score).
#[derive(Clone)]
struct AutomatonQuery {
    field: Field,
    automaton: Arc<Matcher>,
}

impl fmt::Debug for AutomatonQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.automaton.as_ref() {
            Matcher::Fuzzy(_) => "fuzzy",
            Matcher::Prefix(_) => "prefix",
        };
        write!(f, "AutomatonQuery({kind}, {:?})", self.field)
    }
}

impl Query for AutomatonQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<Matcher>::new(
            self.field,
            self.automaton.clone(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy_fst::Automaton;

    fn accepts(m: &Matcher, word: &str) -> bool {
        let mut s = m.start();
        for b in word.bytes() {
            s = m.accept(&s, b);
            if !m.can_match(&s) {
                return false;
            }
        }
        m.is_match(&s)
    }

    #[test]
    fn typos_are_forgiven_except_on_the_first_character() {
        let m = Matcher::Fuzzy(FirstCharFixed::new("desinger", 1).unwrap());
        assert!(accepts(&m, "designer"), "a transposition is one edit");
        assert!(accepts(&m, "desinger"));
        assert!(!accepts(&m, "resinger"), "the first character is fixed");
        assert!(!accepts(&m, "dzsingez"));
        let m = Matcher::Fuzzy(FirstCharFixed::new("accountnat", 2).unwrap());
        assert!(accepts(&m, "accountant"));
        assert!(!accepts(&m, "account"));
        assert_eq!(typo_distance(4), 0);
        assert_eq!(typo_distance(5), 1);
        assert_eq!(typo_distance(9), 2);
    }

    #[test]
    fn a_prefix_accepts_its_continuations() {
        let m = Matcher::Prefix(b"develo".to_vec());
        assert!(accepts(&m, "developer"));
        assert!(accepts(&m, "develo"));
        assert!(!accepts(&m, "devops"));
    }
}
