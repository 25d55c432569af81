//! Config errors: every message names the file, the dotted key (and its line
//! where the source text is at hand), what was expected and what was found.

use std::fmt;

/// An error in reading, parsing or validating a scenario config.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{file}: cannot read the file")]
    Read {
        /// The file as given.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than a config or sweep file may be.
    #[error("{file}: the file is larger than {limit} bytes (1 MiB), the most a config or sweep file may be")]
    TooLarge {
        /// The file as given.
        file: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The text is not valid TOML.
    #[error("{file}:{line}:{column}: TOML syntax error: {message}")]
    Syntax {
        /// The file label.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What the TOML parser said.
        message: String,
    },
    /// A key is missing, unknown, of the wrong type or out of range.
    #[error("{}", Located { file, line: *line, key, message })]
    Key {
        /// The file label.
        file: String,
        /// 1-based line of the key, when the source text is at hand.
        line: Option<usize>,
        /// The dotted key, e.g. `levers.visa_review.credibility` (empty for the whole file).
        key: String,
        /// What was expected and what was found.
        message: String,
    },
}

/// The most characters of a value from the file that a message echoes.
pub const MAX_ECHO: usize = 80;

/// `s` as echoed in a message: at most [`MAX_ECHO`] characters, cut with
/// "…" and the full length (a 5 KB string is not worth repeating).
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO) {
        None => s.to_string(),
        Some((at, _)) => format!("{}… ({} characters)", &s[..at], s.chars().count()),
    }
}

/// The longest message [`ConfigError::Key`] shows: a backstop, should a
/// message echo more than its values.
const MAX_MESSAGE: usize = 600;

struct Located<'a> {
    file: &'a str,
    line: Option<usize>,
    key: &'a str,
    message: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if !self.key.is_empty() {
            let segs: Vec<String> = self.key.split('.').map(clip).collect();
            write!(f, ": {}", segs.join("."))?;
        }
        match self.message.char_indices().nth(MAX_MESSAGE) {
            None => write!(f, ": {}", self.message),
            Some((at, _)) => write!(f, ": {}…", &self.message[..at]),
        }
    }
}

impl ConfigError {
    /// An error about `key` (a dotted path) with no line: for callers that
    /// address parameters by path, such as sweeps.
    pub fn at_key(
        file: impl Into<String>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError::Key {
            file: file.into(),
            line: None,
            key: key.into(),
            message: message.into(),
        }
    }

    /// "`key`: no such key in the config": a dotted path that does not address
    /// anything (e.g. a sweep parameter with a typo).
    pub fn no_such_key(
        file: impl Into<String>,
        key: impl Into<String>,
        detail: &str,
    ) -> ConfigError {
        let message = if detail.is_empty() {
            "no such key in the config".to_string()
        } else {
            format!("no such key in the config: {detail}")
        };
        ConfigError::at_key(file, key, message)
    }

    /// "`key`: expected `expected`, found `found`": a value of the wrong type
    /// or out of range.
    pub fn expected(
        file: impl Into<String>,
        key: impl Into<String>,
        expected: &str,
        found: impl fmt::Display,
    ) -> ConfigError {
        ConfigError::at_key(file, key, format!("expected {expected}, found {found}"))
    }

    /// The file label the error is about.
    pub fn file(&self) -> &str {
        match self {
            ConfigError::Read { file, .. }
            | ConfigError::TooLarge { file, .. }
            | ConfigError::Syntax { file, .. }
            | ConfigError::Key { file, .. } => file,
        }
    }

    /// The dotted key the error is about, if any.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::Key { key, .. } if !key.is_empty() => Some(key),
            _ => None,
        }
    }

    /// The 1-based line the error is about, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ConfigError::Syntax { line, .. } => Some(*line),
            ConfigError::Key { line, .. } => *line,
            ConfigError::Read { .. } | ConfigError::TooLarge { .. } => None,
        }
    }
}

/// What a serde error from the TOML deserializer means, reworded.
#[derive(Debug, PartialEq)]
pub(crate) enum SerdeProblem {
    /// A key the table does not take.
    Unknown(String),
    /// A required key is absent from the table at the error's span.
    Missing(String),
    /// Anything else, about the value at the error's span.
    Value(String),
}

/// Rewords serde's messages ("unknown field `x`, expected one of `a`, `b`",
/// "invalid type: string \"x\", expected f64", ...) for config users.
pub(crate) fn reword(msg: &str) -> SerdeProblem {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, tail)) = rest.split_once('`') {
            let expected = tail
                .trim_start_matches(',')
                .trim()
                .trim_start_matches("expected ")
                .replace('`', "");
            let expected = if expected.starts_with("one of") {
                expected
            } else if expected.contains("there are no fields") || expected.is_empty() {
                "no keys here".to_string()
            } else {
                format!("one of {expected}")
            };
            let field = clip(field);
            return SerdeProblem::Unknown(format!("unknown key '{field}'; expected {expected}"));
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        if let Some((field, _)) = rest.split_once('`') {
            return SerdeProblem::Missing(field.to_string());
        }
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.rsplit_once(", expected ") {
                return SerdeProblem::Value(format!(
                    "expected {}, found {}",
                    expected_name(expected),
                    found_name(found)
                ));
            }
        }
    }
    SerdeProblem::Value(msg.to_string())
}

fn expected_name(e: &str) -> String {
    match e {
        "f64" | "f32" => "a number".into(),
        "u32" | "u64" | "usize" | "u16" | "u8" => "a whole number >= 0".into(),
        "i64" | "i32" => "a whole number".into(),
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        "struct RawPref" => "a player's preference { weight = .., prefers = \"low\" | \"high\" } \
                             (the keys of an issue other than unit, lo and hi are player names)"
            .into(),
        _ if e.starts_with("struct ") => "a table".into(),
        _ => e.replace('`', "'"),
    }
}

fn found_name(f: &str) -> String {
    for p in ["floating point ", "integer ", "boolean ", "character "] {
        if let Some(v) = f.strip_prefix(p) {
            return clip(&v.replace('`', ""));
        }
    }
    match f {
        "map" => "a table".into(),
        "sequence" => "an array".into(),
        _ => match f.strip_prefix("string ") {
            Some(v) => match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(inner) => format!("the string \"{}\"", clip(inner)),
                None => format!("the string {}", clip(v)),
            },
            None => clip(&f.replace('`', "'")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewords_serde_messages() {
        assert_eq!(
            reword("unknown field `foo`, expected one of `a`, `b`"),
            SerdeProblem::Unknown("unknown key 'foo'; expected one of a, b".into())
        );
        assert_eq!(
            reword("unknown field `b`, expected `a`"),
            SerdeProblem::Unknown("unknown key 'b'; expected one of a".into())
        );
        assert_eq!(
            reword("missing field `horizon`"),
            SerdeProblem::Missing("horizon".into())
        );
        assert_eq!(
            reword("invalid type: string \"x\", expected f64"),
            SerdeProblem::Value("expected a number, found the string \"x\"".into())
        );
        assert_eq!(
            reword("invalid value: integer `-3`, expected u32"),
            SerdeProblem::Value("expected a whole number >= 0, found -3".into())
        );
    }

    #[test]
    fn displays_file_line_key_and_message() {
        let e = ConfigError::Key {
            file: "configs/x.toml".into(),
            line: Some(42),
            key: "levers.visa_review.credibility".into(),
            message: "expected a probability in [0, 1], found 1.5".into(),
        };
        assert_eq!(
            e.to_string(),
            "configs/x.toml:42: levers.visa_review.credibility: expected a probability in [0, 1], found 1.5"
        );
        let e = ConfigError::expected("sweep.toml", "clock.horizon", "a number", "\"x\"");
        assert_eq!(
            e.to_string(),
            "sweep.toml: clock.horizon: expected a number, found \"x\""
        );
        assert_eq!(e.key(), Some("clock.horizon"));
        assert_eq!(e.line(), None);
    }
}
