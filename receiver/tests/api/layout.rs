//! The receiver's layout as docs/development.md states it ("The receiver's modules"): each
//! module imports only the modules its row allows, so the table and the code cannot drift.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The table's rows: module → the modules it may import.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc =
        std::fs::read_to_string(root.join("docs/development.md")).expect("docs/development.md");
    let table = doc
        .split("### The receiver's modules")
        .nth(1)
        .expect("the section");
    let mut rows = BTreeMap::new();
    for line in table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
    {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let Some(module) = cells[0].strip_prefix('`').and_then(|m| m.strip_suffix('`')) else {
            continue; // the header and its rule
        };
        // The backquoted names of the last cell; words around them say why.
        let imports = cells
            .last()
            .expect("a may-import cell")
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        rows.insert(module.to_owned(), imports);
    }
    rows
}

fn rust_files(at: &Path, out: &mut Vec<PathBuf>) {
    if at.is_dir() {
        for entry in std::fs::read_dir(at).expect("a folder") {
            rust_files(&entry.expect("an entry").path(), out);
        }
    } else if at.is_file() && at.extension().is_some_and(|e| e == "rs") {
        out.push(at.to_owned());
    }
}

/// The crate's modules a file's code names (`crate::x`, `use crate::{x, y}`), comments aside.
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                None => vec![rest],
            };
            for name in names {
                let name: String = name
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        }
    }
    found
}

#[test]
fn each_module_imports_only_what_its_row_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rows = allowed();
    let mut wrong = Vec::new();
    for (module, may) in &rows {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        rust_files(&src.join(format!("{module}.rs")), &mut files);
        assert!(
            !files.is_empty(),
            "docs/development.md names `{module}`, which receiver/src lacks"
        );
        for file in files {
            let code = std::fs::read_to_string(&file).expect("a source file");
            for used in imports(&code) {
                if used != *module && !may.contains(&used) {
                    wrong.push(format!("{} uses crate::{used}", file.display()));
                }
            }
        }
    }
    // Every module of lib.rs has a row.
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    for line in lib.lines() {
        if let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            assert!(
                rows.contains_key(name),
                "docs/development.md has no row for `{name}`"
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "imports the table does not allow:\n{}",
        wrong.join("\n")
    );
}
