//! Tidy: the rules of ARCHITECTURE.md, checked against the source. Each rule
//! names the tokens it forbids and the only places allowed to use them;
//! comments and string literals are ignored. A broken rule fails with the
//! file and line of every offence.

use std::fs;
use std::path::{Path, PathBuf};

/// A rule: `tokens` may appear only under the `allowed` paths (relative to
/// the crate root; a path ending in `/` is a folder).
struct Rule {
    what: &'static str,
    tokens: &'static [&'static str],
    allowed: &'static [&'static str],
}

const PURE: &[&str] = &["src/model.rs", "src/engine/", "src/rng/", "src/outcome.rs"];
const EDGE: &[&str] = &["src/cli.rs", "src/cli/", "src/main.rs"];

const RULES: &[Rule] = &[
    Rule {
        what: "only runner uses rayon",
        tokens: &["rayon"],
        allowed: &["src/runner.rs", "src/runner/"],
    },
    Rule {
        what: "only cli and main use anyhow, clap and indicatif",
        tokens: &["anyhow", "clap", "indicatif"],
        allowed: EDGE,
    },
    Rule {
        what: "only cli and main print (workers never print)",
        tokens: &[
            "println!",
            "eprintln!",
            "print!",
            "eprint!",
            "dbg!",
            "stdout",
            "stderr",
        ],
        allowed: EDGE,
    },
    Rule {
        what: "only config and sweep read files (and output/replace.rs, an output folder's manifest.json for --force)",
        tokens: &["read_to_string", "fs::read", "File::open"],
        allowed: &["src/config/", "src/sweep/", "src/output/replace.rs"],
    },
    Rule {
        what: "only config, sweep and output list folders (output: its own, to refuse a non-empty one or clear one for --force)",
        tokens: &["read_dir"],
        allowed: &["src/config/", "src/sweep/", "src/output.rs", "src/output/"],
    },
    Rule {
        what: "only output writes files",
        tokens: &[
            "File::create",
            "fs::write",
            "create_dir",
            "create_dir_all",
            "fs::rename",
            "remove_file",
            "remove_dir",
            "OpenOptions",
        ],
        allowed: &["src/output.rs", "src/output/"],
    },
    Rule {
        what: "nothing outside rng constructs a generator",
        tokens: &[
            "from_seed",
            "seed_from_u64",
            "ChaCha8Rng",
            "ChaCha20Rng",
            "ChaCha12Rng",
        ],
        allowed: &["src/rng/"],
    },
    Rule {
        what: "no thread_rng, StdRng or SmallRng anywhere",
        tokens: &["thread_rng", "StdRng", "SmallRng", "OsRng", "from_entropy"],
        allowed: &[],
    },
];

/// Rules stated for the pure layers: tokens they must never contain.
const PURE_RULES: &[(&str, &[&str])] = &[
    (
        "model, engine, rng and outcome never import serde, csv, rayon, indicatif, clap or anyhow",
        &[
            "serde",
            "serde_json",
            "toml",
            "csv",
            "rayon",
            "indicatif",
            "clap",
            "anyhow",
        ],
    ),
    (
        "the engine never reads a clock, an environment variable or a global",
        &[
            "std::time",
            "Instant",
            "SystemTime",
            "std::env",
            "env!",
            "static mut",
            "thread_local",
        ],
    ),
    (
        "model, engine, rng and outcome do no I/O",
        &["std::fs", "std::io", "std::net", "std::process"],
    ),
];

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source of every file under src/, relative path → code with
/// comments and the contents of string and char literals blanked (line
/// structure kept). Test code is left out: files named `tests.rs` and
/// everything from a `#[cfg(test)]` line on (unit tests sit at the end).
fn sources() -> Vec<(String, String)> {
    let root = crate_root();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "tests.rs"))
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, without_tests(&strip(&fs::read_to_string(&p).unwrap())))
        })
        .collect()
}

/// Blanks every item marked `#[cfg(test)]` (a `mod x;` line or a braced
/// block), keeping newlines.
fn without_tests(code: &str) -> String {
    let mut c: Vec<char> = code.chars().collect();
    let len = c.len();
    let mark: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + mark.len() <= c.len() {
        if c[i..i + mark.len()] != mark[..] {
            i += 1;
            continue;
        }
        let (mut j, mut depth) = (i, 0i32);
        while j < c.len() {
            let ch = c[j];
            if ch == ';' && depth == 0 && j > i + mark.len() {
                break;
            }
            if ch == '{' {
                depth += 1;
            } else if ch == '}' {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            j += 1;
        }
        for ch in c.iter_mut().take((j + 1).min(len)).skip(i) {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
        i = j + 1;
    }
    c.into_iter().collect()
}

/// Blanks comments and literal contents, keeping newlines.
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(if c[i] == '\n' { '\n' } else { ' ' });
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (c.get(i + 1) == Some(&'"') || c.get(i + 1) == Some(&'#'))
            && !ident(c.get(i.wrapping_sub(1)).copied())
        {
            // A raw string r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            out.push_str("\"\"");
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                if c[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            i = j;
        } else if c[i] == '"' {
            out.push_str("\"\"");
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if c.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
        } else if c[i] == '\'' && c.get(i + 2) == Some(&'\'') && c.get(i + 1) != Some(&'\\') {
            out.push_str("' '");
            i += 3;
        } else if c[i] == '\'' && c.get(i + 1) == Some(&'\\') {
            out.push_str("' '");
            i += 2;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn ident(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The lines of `code` where `token` appears as a whole token.
fn lines_with(code: &str, token: &str) -> Vec<usize> {
    let mut hits = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut from = 0;
        while let Some(at) = line[from..].find(token) {
            let s = from + at;
            let e = s + token.len();
            let before = line[..s].chars().next_back();
            let after = line[e..].chars().next();
            let starts_word = token.starts_with(|c: char| c.is_alphanumeric() || c == '_');
            let ends_word = token.ends_with(|c: char| c.is_alphanumeric() || c == '_');
            let glued = (starts_word && ident(before)) || (ends_word && ident(after));
            if !glued {
                hits.push(n + 1);
                break;
            }
            from = e;
        }
    }
    hits
}

fn under(path: &str, allowed: &[&str]) -> bool {
    allowed.iter().any(|a| {
        if a.ends_with('/') {
            path.starts_with(a)
        } else {
            path == *a
        }
    })
}

/// Every offence against the import and I/O rules, as "rule: file:line token".
fn offences(files: &[(String, String)]) -> Vec<String> {
    let mut bad = Vec::new();
    for (path, code) in files {
        for r in RULES {
            if under(path, r.allowed) {
                continue;
            }
            for t in r.tokens {
                for n in lines_with(code, t) {
                    bad.push(format!("{}: {path}:{n} uses `{t}`", r.what));
                }
            }
        }
        if under(path, PURE) {
            for (what, tokens) in PURE_RULES {
                for t in *tokens {
                    for n in lines_with(code, t) {
                        bad.push(format!("{what}: {path}:{n} uses `{t}`"));
                    }
                }
            }
        }
    }
    bad
}

/// Functions in `code` longer than `max` lines, as (name, first line, lines).
fn long_functions(code: &str, max: usize) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(at) = l.find("fn ") else { continue };
        if ident(l[..at].chars().next_back()) {
            continue;
        }
        let name: String = l[at + 3..]
            .chars()
            .take_while(|&c| ident(Some(c)))
            .collect();
        // The body: from the first `{` after the signature to its match;
        // a `;` first means a declaration without a body.
        let (mut depth, mut started, mut end) = (0i32, false, None);
        'scan: for (j, lj) in lines.iter().enumerate().skip(i) {
            let text = if j == i { &lj[at..] } else { lj };
            for ch in text.chars() {
                match ch {
                    ';' if !started => break 'scan,
                    '{' => {
                        depth += 1;
                        started = true;
                    }
                    '}' => {
                        depth -= 1;
                        if started && depth == 0 {
                            end = Some(j);
                            break 'scan;
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(e) = end {
            if e - i + 1 > max {
                out.push((name, i + 1, e - i + 1));
            }
        }
    }
    out
}

#[test]
fn architecture_rules_hold_in_the_source() {
    let bad = offences(&sources());
    assert!(
        bad.is_empty(),
        "ARCHITECTURE.md rules broken:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_engine_function_is_over_80_lines_and_simulate_is_a_short_driver() {
    let mut bad = Vec::new();
    for (path, code) in sources() {
        if !path.starts_with("src/engine/") {
            continue;
        }
        for (name, line, n) in long_functions(&code, 80) {
            bad.push(format!("{path}:{line} fn {name} has {n} lines"));
        }
        if path == "src/engine/mod.rs" {
            let all = long_functions(&code, 0);
            let sim = all.iter().find(|f| f.0 == "simulate").expect("simulate");
            assert!(sim.2 < 80, "simulate has {} lines", sim.2);
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_what_it_must_and_ignores_comments_and_strings() {
    // A rayon import in the CLI is an offence; the same word in a comment or
    // a string is not.
    let cli = |code: &str| offences(&[("src/cli.rs".to_string(), strip(code))]);
    assert_eq!(cli("use rayon::prelude::*;\n").len(), 1);
    assert!(
        cli("// rayon is the runner's\nlet s = \"rayon\";\nlet r = r#\"rayon\"#;\n").is_empty()
    );
    // Pure layers: serde in the engine, a clock in the engine, printing in rng.
    let at = |p: &str, code: &str| offences(&[(p.to_string(), strip(code))]);
    assert!(!at("src/engine/levers.rs", "use serde::Serialize;").is_empty());
    assert!(!at("src/engine/mod.rs", "let t = std::time::Instant::now();").is_empty());
    assert!(!at("src/rng/mod.rs", "println!(\"{}\", 1);").is_empty());
    assert!(at("src/output/atomic.rs", "std::fs::rename(a, b)").is_empty());
    // Output reads one file, in one place: the manifest --force checks.
    assert!(at("src/output/replace.rs", "let f = File::open(p)?;").is_empty());
    assert!(!at("src/output/tables.rs", "let f = File::open(p)?;").is_empty());
    assert!(!at("src/cli.rs", "let t = fs::read_to_string(p)?;").is_empty());
    // Identifiers that merely contain a token are not the token.
    assert!(at(
        "src/engine/mod.rs",
        "let my_serde_like = 1; let csvish = 2;"
    )
    .is_empty());
    // Test items are left out, and only they.
    let t = "#[cfg(test)]\nmod tests;\nuse rayon;\n#[cfg(test)]\nmod t {\n    use rayon;\n}\n";
    let hits = cli(&without_tests(t));
    assert!(
        hits.len() == 1 && hits[0].contains("src/cli.rs:3 "),
        "{hits:?}"
    );
    // Long functions are measured by their braces.
    let f = format!("fn a() {{\n{}}}\nfn b();\n", "    x();\n".repeat(85));
    assert_eq!(long_functions(&f, 80), vec![("a".to_string(), 1, 87)]);
}
