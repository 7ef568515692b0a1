//! How catalog text becomes search terms, for indexing and queries alike (#12): words split on
//! anything that is not a letter or digit and lowercased, except that the names people search
//! technology by stay one term (`C++`, `C#`, `F#`, `.NET`, `Node.js`, `ASP.NET`) and short words
//! stay words (`IT`, `UX`, `QA`, `SRE`, `iOS`: no stop words; BM25 already weighs common words
//! down). Two analyzers share that tokenizer: [`STEMMED`] (English stemming: `designers` finds
//! `Designer`) and [`EXACT`] (no stemming), because the stemmer conflates words a candidate tells
//! apart (`accountant` and `account` share the stem `account`): a field indexed both ways ranks
//! the exact word above its stem-mates.

use tantivy::tokenizer::{
    Language, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The stemmed analyzer's name in an index's tokenizer manager.
pub const STEMMED: &str = "catalog_en_stem";
/// The unstemmed analyzer's name.
pub const EXACT: &str = "catalog_exact";
/// Longer tokens (hashes, URLs run together) are not terms anyone searches for.
const MAX_TOKEN_BYTES: usize = 40;

/// [`TechTokenizer`] and long-token removal, then the English stemmer when `stem`.
pub fn analyzer(stem: bool) -> TextAnalyzer {
    let words = TextAnalyzer::builder(TechTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES));
    if stem {
        words.filter(Stemmer::new(Language::English)).build()
    } else {
        words.build()
    }
}

/// Both analyzers, by name, for an index's tokenizer manager.
pub fn analyzers() -> [(&'static str, TextAnalyzer); 2] {
    [(STEMMED, analyzer(true)), (EXACT, analyzer(false))]
}

/// The stemmed terms `text` becomes, in order.
pub fn terms(text: &str) -> Vec<String> {
    analyze(&mut analyzer(true), text)
}

/// The unstemmed terms `text` becomes, in order.
pub fn exact_terms(text: &str) -> Vec<String> {
    analyze(&mut analyzer(false), text)
}

fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Splits into lowercased words, keeping technology names whole (see the module).
#[derive(Clone, Default)]
pub struct TechTokenizer {
    token: Token,
}

/// The tokens of one text.
pub struct TechTokenStream<'a> {
    chars: Vec<(usize, char)>,
    at: usize,
    len: usize,
    token: &'a mut Token,
}

impl Tokenizer for TechTokenizer {
    type TokenStream<'a> = TechTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TechTokenStream<'a> {
        self.token.reset();
        TechTokenStream {
            chars: text.char_indices().collect(),
            at: 0,
            len: text.len(),
            token: &mut self.token,
        }
    }
}

impl TechTokenStream<'_> {
    fn char(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn alnum(&self, i: usize) -> bool {
        self.char(i).is_some_and(char::is_alphanumeric)
    }

    fn offset(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.len, |&(o, _)| o)
    }
}

impl TokenStream for TechTokenStream<'_> {
    fn advance(&mut self) -> bool {
        // A token starts at a letter or digit, or at a dot right before one (`.NET`).
        while self.at < self.chars.len()
            && !(self.alnum(self.at)
                || (self.char(self.at) == Some('.') && self.alnum(self.at + 1)))
        {
            self.at += 1;
        }
        if self.at >= self.chars.len() {
            return false;
        }
        let start = self.at;
        let mut word = String::new();
        if self.char(self.at) == Some('.') {
            word.push('.');
            self.at += 1;
        }
        // Letters and digits, and dots between them (`node.js`, `asp.net`).
        while let Some(c) = self.char(self.at) {
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
                self.at += 1;
            } else if c == '.' && self.alnum(self.at + 1) {
                word.push('.');
                self.at += 1;
            } else {
                break;
            }
        }
        // `C++`, `C#`, `F#`: a short word followed by plus or hash signs.
        if word.chars().count() <= 2 {
            while let Some(c @ ('+' | '#')) = self.char(self.at) {
                word.push(c);
                self.at += 1;
            }
        }
        self.token.text.clear();
        self.token.text.push_str(&normalize(&word));
        self.token.offset_from = self.offset(start);
        self.token.offset_to = self.offset(self.at);
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// One spelling per technology name: signs spelled out, dots dropped.
fn normalize(word: &str) -> String {
    match word {
        "c++" => "cplusplus".into(),
        "c#" => "csharp".into(),
        "f#" => "fsharp".into(),
        ".net" => "dotnet".into(),
        other => other.chars().filter(|c| c.is_alphanumeric()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn technology_names_stay_one_term_each() {
        assert_eq!(terms("C++ developer"), ["cplusplus", "develop"]);
        assert_eq!(terms("C# and F#"), ["csharp", "and", "fsharp"]);
        assert_eq!(terms("C, Go"), ["c", "go"]);
        assert_eq!(terms(".NET / ASP.NET"), ["dotnet", "aspnet"]);
        assert_eq!(terms("Node.js, React"), terms("nodejs react"));
        assert_ne!(terms("C++")[0], terms("C#")[0]);
        assert_ne!(terms("C++")[0], terms("C")[0]);
    }

    #[test]
    fn short_words_are_terms_and_case_does_not_matter() {
        assert_eq!(terms("IT Support"), ["it", "support"]);
        for word in ["UX", "QA", "SRE", "iOS", "AI"] {
            assert_eq!(terms(word).len(), 1, "{word}");
            assert_eq!(terms(word), terms(&word.to_lowercase()), "{word}");
        }
    }

    #[test]
    fn words_are_stemmed_and_split_on_punctuation() {
        assert_eq!(terms("Designer"), terms("designers"));
        assert_eq!(terms("accountant"), terms("Accountants"));
        // The stemmer conflates these; the exact analyzer tells them apart.
        assert_eq!(terms("accountant"), terms("account"));
        assert_ne!(exact_terms("accountant"), exact_terms("account"));
        assert_eq!(exact_terms("C++ Engineers"), ["cplusplus", "engineers"]);
        assert_eq!(
            terms("end-to-end, e.g. U.S."),
            ["end", "to", "end", "eg", "us"]
        );
        assert_eq!(terms("Sales (B2B)"), ["sale", "b2b"]);
        assert!(terms("...  --- ").is_empty());
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "Senior C++ Engineer";
        let mut a = analyzer(true);
        let mut s = a.token_stream(text);
        let mut spans = Vec::new();
        while s.advance() {
            spans.push(&text[s.token().offset_from..s.token().offset_to]);
        }
        assert_eq!(spans, ["Senior", "C++", "Engineer"]);
    }

    #[test]
    fn a_hostile_text_costs_one_pass() {
        let long = "a".repeat(10_000);
        assert!(terms(&long).is_empty(), "an overlong token is dropped");
        let many = "x. ".repeat(5_000);
        assert_eq!(terms(&many).len(), 5_000);
    }
}
