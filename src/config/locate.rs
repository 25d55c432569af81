//! Where keys are in the source text: maps dotted keys to lines and byte spans
//! (from serde errors) back to dotted keys, using `toml_edit`'s spans.

use std::ops::Range;

use toml_edit::{ImDocument, Item, TableLike, Value};

/// One key (or array element) of the document.
#[derive(Debug)]
struct Entry {
    /// Dotted path; array elements as `key[i]`.
    path: String,
    /// Span of the key itself (None for array elements).
    key: Option<Range<usize>>,
    /// Span of the value or table (a table's span covers its header).
    value: Option<Range<usize>>,
    /// True for tables (standard or inline).
    table: bool,
}

/// The keys of a parsed document with their spans.
#[derive(Debug, Default)]
pub(crate) struct SpanIndex {
    entries: Vec<Entry>,
    /// Byte offsets of line starts.
    line_starts: Vec<usize>,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn contains(r: &Range<usize>, at: usize) -> bool {
    r.start <= at && at < r.end.max(r.start + 1)
}

impl SpanIndex {
    /// Indexes a parsed document whose source is `text`.
    pub(crate) fn new(doc: &ImDocument<&str>, text: &str) -> SpanIndex {
        let mut idx = SpanIndex {
            entries: Vec::new(),
            line_starts: line_starts(text),
        };
        idx.walk_table("", doc.as_table());
        idx
    }

    /// Indexes `text`; an index with lines but no keys if it is not TOML.
    pub(crate) fn of_text(text: &str) -> SpanIndex {
        match ImDocument::parse(text) {
            Ok(doc) => SpanIndex::new(&doc, text),
            Err(_) => SpanIndex {
                entries: Vec::new(),
                line_starts: line_starts(text),
            },
        }
    }

    fn walk_table(&mut self, prefix: &str, t: &dyn TableLike) {
        for (k, item) in t.iter() {
            let key_span = t.key(k).and_then(|k| k.span());
            let path = join(prefix, k);
            self.walk_item(path, key_span, item);
        }
    }

    fn walk_item(&mut self, path: String, key: Option<Range<usize>>, item: &Item) {
        let table = item.as_table_like().is_some();
        self.entries.push(Entry {
            path: path.clone(),
            key,
            value: item.span(),
            table,
        });
        if let Some(t) = item.as_table_like() {
            self.walk_table(&path, t);
        } else if let Some(a) = item.as_array() {
            for (i, v) in a.iter().enumerate() {
                self.walk_value(format!("{path}[{i}]"), v);
            }
        } else if let Some(a) = item.as_array_of_tables() {
            for (i, t) in a.iter().enumerate() {
                let p = format!("{path}[{i}]");
                self.entries.push(Entry {
                    path: p.clone(),
                    key: None,
                    value: t.span(),
                    table: true,
                });
                self.walk_table(&p, t);
            }
        }
    }

    fn walk_value(&mut self, path: String, v: &Value) {
        self.entries.push(Entry {
            path: path.clone(),
            key: None,
            value: v.span(),
            table: v.is_inline_table(),
        });
        match v {
            Value::InlineTable(t) => self.walk_table(&path, t),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    self.walk_value(format!("{path}[{i}]"), x);
                }
            }
            _ => {}
        }
    }

    /// 1-based line of byte offset `at`.
    pub(crate) fn line_of_offset(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= at).max(1)
    }

    /// The line of `path`, or of its nearest ancestor that is in the file.
    pub(crate) fn line_of_path(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some(e) = self.entries.iter().find(|e| e.path == p) {
                if let Some(at) = e.key.as_ref().or(e.value.as_ref()).map(|r| r.start) {
                    return Some(self.line_of_offset(at));
                }
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }

    /// The innermost key whose key or value span contains offset `at`.
    pub(crate) fn path_at(&self, at: usize) -> Option<&str> {
        // Entries nest: later (deeper) entries win among those containing `at`;
        // compare by the length of the containing span.
        let mut best: Option<(&Entry, usize)> = None;
        for e in &self.entries {
            for r in [&e.key, &e.value].into_iter().flatten() {
                if contains(r, at) {
                    let len = r.end - r.start;
                    if best.is_none_or(|(_, l)| len <= l) {
                        best = Some((e, len));
                    }
                }
            }
        }
        best.map(|(e, _)| e.path.as_str())
    }

    /// The path of the table a serde "missing field" error at `at` is
    /// about: the table whose span starts there, or else the table whose
    /// key is there (a table with no header of its own, made by dotted keys
    /// or by its sub-tables' headers, such as `players.b` in
    /// `[players.b.strategy]`); None means the root table.
    pub(crate) fn table_at(&self, at: usize) -> Option<&str> {
        let deepest = |f: &dyn Fn(&Entry) -> bool| {
            self.entries
                .iter()
                .filter(|e| e.table && f(e))
                .map(|e| e.path.as_str())
                .max_by_key(|p| p.len())
        };
        deepest(&|e| e.value.as_ref().is_some_and(|r| r.start == at))
            .or_else(|| deepest(&|e| e.key.as_ref().is_some_and(|r| contains(r, at))))
    }
}

/// 1-based (line, column) of byte offset `at` in `text`; the column counts characters.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}
