//! What a candidate typed into the search box, as the search index will be asked it (#12): the
//! `websearch` syntax people already use here (`"exact phrase"`, `-exclude`, `-"exclude this"`,
//! `a or b`), plus what a search box owes them: the last word may still be being typed (prefix
//! match), and a few abbreviations mean their long forms ([`synonyms`]).
//!
//! Parsing is one pass and bounded: at most [`MAX_CLAUSES`] clauses of at most [`MAX_WORD`]
//! characters each are kept, so a 10 KB or hostile `q` costs no more than a short one.

/// Clauses kept from one query; the rest is ignored.
pub const MAX_CLAUSES: usize = 16;
/// Characters kept of one word.
pub const MAX_WORD: usize = 64;

/// One thing the query asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word (as typed, not yet analyzed). `prefix`: the query's last word, with nothing typed
    /// after it, so it may be the start of a longer one.
    Word { text: String, prefix: bool },
    /// Words that must stand together, in order.
    Phrase(Vec<String>),
}

/// A parsed query: every group must match (a group matches when any of its clauses does: `a or b`
/// is one group of two), and no excluded clause may.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub groups: Vec<Vec<Clause>>,
    pub excluded: Vec<Clause>,
}

impl SearchQuery {
    /// True when nothing is asked for (an empty or all-punctuation `q`).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// Parses `q`.
pub fn parse(q: &str) -> SearchQuery {
    let mut out = SearchQuery::default();
    let mut chars = q.chars().peekable();
    let mut join_next = false;
    let mut kept = 0;
    // Whether the query ends inside its last word (no space, quote or sign after it).
    let open_ending = q
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == '+' || c == '#');
    while kept < MAX_CLAUSES {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let negated = first == '-';
        if negated {
            chars.next();
        }
        let clause = if chars.peek() == Some(&'"') {
            chars.next();
            let mut phrase = String::new();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                phrase.push(c);
            }
            let words: Vec<String> = phrase
                .split_whitespace()
                .take(MAX_CLAUSES)
                .map(|w| w.chars().take(MAX_WORD).collect())
                .collect();
            match words.len() {
                0 => continue,
                1 => Clause::Word {
                    text: words.into_iter().next().unwrap_or_default(),
                    prefix: false,
                },
                _ => Clause::Phrase(words),
            }
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                if word.chars().count() < MAX_WORD {
                    word.push(c);
                }
                chars.next();
            }
            if word.is_empty() {
                continue;
            }
            if !negated && word.eq_ignore_ascii_case("or") && !out.groups.is_empty() {
                join_next = true;
                continue;
            }
            Clause::Word {
                prefix: !negated && chars.peek().is_none() && open_ending,
                text: word,
            }
        };
        kept += 1;
        if negated {
            out.excluded.push(clause);
        } else if join_next {
            join_next = false;
            if let Some(group) = out.groups.last_mut() {
                group.push(clause);
            }
        } else {
            out.groups.push(vec![clause]);
        }
    }
    out
}

/// What an abbreviation or a short form also means (lowercase in, alternatives out; each
/// alternative is a word or a phrase). The table is short on purpose: every entry is a word
/// candidates type for a role that postings spell out.
pub fn synonyms(word: &str) -> &'static [&'static str] {
    match word.to_lowercase().as_str() {
        "dev" | "devs" => &["developer"],
        "swe" => &["software engineer"],
        "sde" => &["software development engineer", "software engineer"],
        "pm" => &["product manager", "project manager"],
        "po" => &["product owner"],
        "sre" => &["site reliability engineer"],
        "qa" => &["quality assurance"],
        "ux" => &["user experience"],
        "ui" => &["user interface"],
        "ml" => &["machine learning"],
        "ai" => &["artificial intelligence"],
        "hr" => &["human resources"],
        "js" => &["javascript"],
        "ts" => &["typescript"],
        "k8s" => &["kubernetes"],
        "devops" => &["dev ops"],
        "cto" => &["chief technology officer"],
        "ceo" => &["chief executive officer"],
        "cfo" => &["chief financial officer"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, prefix: bool) -> Clause {
        Clause::Word {
            text: text.into(),
            prefix,
        }
    }

    #[test]
    fn words_phrases_exclusions_and_alternatives() {
        let q = parse(r#"rust "backend engineer" -go -"team lead" designer or writer "#);
        assert_eq!(
            q.groups,
            vec![
                vec![word("rust", false)],
                vec![Clause::Phrase(vec!["backend".into(), "engineer".into()])],
                vec![word("designer", false), word("writer", false)],
            ]
        );
        assert_eq!(
            q.excluded,
            vec![
                word("go", false),
                Clause::Phrase(vec!["team".into(), "lead".into()])
            ]
        );
    }

    #[test]
    fn the_last_word_is_a_prefix_only_while_it_is_being_typed() {
        assert_eq!(parse("senior develo").groups[1], vec![word("develo", true)]);
        assert_eq!(
            parse("senior develo ").groups[1],
            vec![word("develo", false)]
        );
        assert_eq!(parse("C++").groups[0], vec![word("C++", true)]);
        assert_eq!(parse("rust -go").excluded, vec![word("go", false)]);
        assert_eq!(parse("\"data\"").groups[0], vec![word("data", false)]);
    }

    #[test]
    fn empty_and_odd_input_asks_for_nothing_or_what_is_there() {
        assert!(parse("").is_empty());
        assert!(parse("   ").is_empty());
        assert!(parse("\"\"").is_empty());
        assert!(parse("-").is_empty());
        assert_eq!(
            parse("or rust").groups,
            vec![vec![word("or", false)], vec![word("rust", true)]]
        );
        // An unclosed quote runs to the end.
        assert_eq!(
            parse("\"open phrase").groups[0],
            vec![Clause::Phrase(vec!["open".into(), "phrase".into()])]
        );
    }

    #[test]
    fn a_huge_query_is_cut_to_a_bounded_one() {
        let huge = "engineer ".repeat(2_000) + &"x".repeat(10_000);
        let q = parse(&huge);
        assert_eq!(q.groups.len(), MAX_CLAUSES);
        let long = parse(&"y".repeat(10_000));
        let Clause::Word { text, .. } = &long.groups[0][0] else {
            panic!("a word")
        };
        assert_eq!(text.chars().count(), MAX_WORD);
    }

    #[test]
    fn abbreviations_have_their_long_forms() {
        assert_eq!(synonyms("PM"), ["product manager", "project manager"]);
        assert_eq!(synonyms("dev"), ["developer"]);
        assert!(synonyms("engineer").is_empty());
    }
}
