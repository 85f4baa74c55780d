//! As short as the official Python SDK: every example of its README, the
//! seed's headline, and each of `sdk/examples`, counted statement for
//! statement against the same program with the official Python SDK
//! (`tests/parity/python/`). The table in the project README must say what
//! these counts are, and no Rust program may take more than 1.3 times the
//! Python statements.
//!
//! How statements are counted (the same rule on both sides, so that neither
//! language's layout matters):
//! - Python: every statement node of the program (`ast.stmt`), at any depth,
//!   except imports and the async-main wrapper (`async def main()` itself and
//!   `asyncio.run(main())`; their bodies count).
//! - Rust: every statement of every block (`syn::Stmt`), at any depth, except
//!   `use` items, the `main` function itself and its final `Ok(())`; a block
//!   that is one bare value (`|_| async { Decision::Accept }`, `if c { a }
//!   else { b }`) counts as an expression, like a Python lambda or
//!   conditional expression (a lone `if`, loop or `match` still counts). Items outside `main` count one, plus one per
//!   struct field (like a Python class body's annotated fields) or the
//!   statements of a function body.
//!
//! The README rows' Rust programs are `tests/examples/*.rs`; those that need
//! no browser or network run here against the real runtime and the mock
//! model (the others are compiled).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use openai_codex_tests::codex_home::{runtime_bin, SCRUBBED_ENV};
use openai_codex_tests::harness::Harness;
use openai_codex_tests::mock_model::Answer;
use openai_codex_tests::scenario::write_file;
use syn::visit::Visit;
use tokio::io::AsyncBufReadExt;

const MAX_RATIO: f64 = 1.3;
const RUN_TIMEOUT: Duration = Duration::from_secs(90);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Counts statements in blocks, by the rule in the module docs.
struct Counter(usize);

impl<'ast> Visit<'ast> for Counter {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        // One value without a semicolon, unless it is control flow (a lone
        // `if`, loop or `match` is a statement).
        let bare_value = block.stmts.len() == 1
            && matches!(&block.stmts[0], syn::Stmt::Expr(expr, None) if !matches!(
                expr,
                syn::Expr::If(_) | syn::Expr::While(_) | syn::Expr::ForLoop(_) | syn::Expr::Loop(_) | syn::Expr::Match(_)
            ));
        if !bare_value {
            self.0 += block.stmts.len();
        }
        syn::visit::visit_block(self, block);
    }
}

fn block_statements(block: &syn::Block) -> usize {
    let mut counter = Counter(0);
    counter.visit_block(block);
    counter.0
}

/// The statements of a Rust program, by the rule in the module docs.
fn rust_statements(source: &str) -> usize {
    let file = syn::parse_file(source).expect("the example parses");
    let mut count = 0;
    for item in &file.items {
        count += match item {
            syn::Item::Use(_) => 0,
            syn::Item::Fn(main) if main.sig.ident == "main" => {
                let ends_ok = matches!(
                    main.block.stmts.last(),
                    Some(syn::Stmt::Expr(syn::Expr::Call(call), None))
                        if matches!(&*call.func, syn::Expr::Path(path) if path.path.is_ident("Ok"))
                );
                block_statements(&main.block) - usize::from(ends_ok)
            }
            syn::Item::Fn(function) => 1 + block_statements(&function.block),
            syn::Item::Struct(structure) => 1 + structure.fields.len(),
            syn::Item::Impl(implementation) => {
                1 + implementation
                    .items
                    .iter()
                    .map(|item| match item {
                        syn::ImplItem::Fn(function) => 1 + block_statements(&function.block),
                        _ => 1,
                    })
                    .sum::<usize>()
            }
            _ => 1,
        };
    }
    count
}

const PYTHON_COUNTER: &str = r#"
import ast, json, sys

def count(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    total = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "main":
            continue
        if isinstance(node, ast.Expr) and ast.unparse(node) == "asyncio.run(main())":
            continue
        total += 1
    return total

print(json.dumps({path: count(path) for path in sys.argv[1:]}))
"#;

/// The statements of each Python program, counted by Python's own parser;
/// `None` when there is no `python3`.
fn python_statements(paths: &[PathBuf]) -> Option<BTreeMap<String, usize>> {
    let output = Command::new("python3").arg("-c").arg(PYTHON_COUNTER).args(paths).output().ok()?;
    assert!(output.status.success(), "the Python counter failed: {}", String::from_utf8_lossy(&output.stderr));
    let counts: BTreeMap<String, usize> = serde_json::from_slice(&output.stdout).unwrap();
    Some(
        counts
            .into_iter()
            .map(|(path, count)| (Path::new(&path).file_stem().unwrap().to_string_lossy().into_owned(), count))
            .collect(),
    )
}

/// One row of the README's table.
#[derive(Debug)]
struct Row {
    name: String,
    rust_file: String,
    python: usize,
    rust: usize,
    ratio: String,
}

/// The table under the README's "As short as the official Python SDK" heading.
fn readme_rows() -> Vec<Row> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("### As short as the official Python SDK").expect("the README's parity section")..];
    section
        .lines()
        .skip_while(|line| !line.starts_with("| example"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let unquote = |cell: &str| cell.trim_matches('`').to_owned();
            Row {
                name: unquote(cells[0]),
                rust_file: unquote(cells[2]),
                python: cells[3].parse().unwrap_or_else(|_| panic!("Python count in {line}")),
                rust: cells[4].parse().unwrap_or_else(|_| panic!("Rust count in {line}")),
                ratio: cells[5].to_owned(),
            }
        })
        .collect()
}

/// The examples the README lists as having no counterpart in the official
/// Python SDK (`- `name`: why` lines after the parity table).
fn examples_without_counterpart() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = &readme[readme.find("Examples with no counterpart in the official Python SDK").expect("the list of examples without a counterpart")..];
    section
        .lines()
        .skip(1)
        .skip_while(|line| !line.starts_with("- `"))
        .take_while(|line| line.starts_with("- `"))
        .filter_map(|line| Some(line.strip_prefix("- `")?.split_once('`')?.0.to_owned()))
        .collect()
}

#[test]
fn the_readme_table_holds_the_counted_statements_and_no_example_exceeds_the_ratio() {
    let rows = readme_rows();
    let python_dir = root().join("tests/parity/python");
    let mut python_files: Vec<PathBuf> = std::fs::read_dir(&python_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    python_files.sort();

    // Every Python program and every SDK example has a row.
    for path in &python_files {
        let name = path.file_stem().unwrap().to_string_lossy();
        assert!(rows.iter().any(|row| row.name == name), "no README row for {}", path.display());
    }
    let without_counterpart = examples_without_counterpart();
    for entry in std::fs::read_dir(root().join("sdk/examples")).unwrap() {
        let name = entry.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned();
        let has_row = rows.iter().any(|row| row.name == name);
        assert!(
            has_row || without_counterpart.contains(&name),
            "no README row for sdk/examples/{name}.rs, and it is not listed as having no Python counterpart"
        );
        assert!(!(has_row && without_counterpart.contains(&name)), "{name} has a row and is listed as having none");
    }

    let python = python_statements(&python_files);
    if python.is_none() {
        eprintln!("no python3: the Python column is not recounted");
    }
    let mut report = Vec::new();
    for row in &rows {
        let source = std::fs::read_to_string(root().join(&row.rust_file))
            .unwrap_or_else(|error| panic!("{}: {error}", row.rust_file));
        let rust = rust_statements(&source);
        report.push(format!("{}: python {} rust {rust}", row.name, row.python));
        assert_eq!(rust, row.rust, "Rust statements of {} ({})", row.name, row.rust_file);
        if let Some(python) = &python {
            assert_eq!(python.get(&row.name), Some(&row.python), "Python statements of {}", row.name);
        }
        #[allow(clippy::cast_precision_loss)] // small counts
        let ratio = rust as f64 / row.python as f64;
        assert_eq!(format!("{ratio:.2}"), row.ratio, "the ratio column of {}", row.name);
        assert!(ratio <= MAX_RATIO, "{}: {rust} Rust statements for {} in Python ({ratio:.2}x)", row.name, row.python);
    }
    eprintln!("{}", report.join("\n"));
}

/// The counting rule on small programs, so the table cannot drift by a
/// change of rule.
#[test]
fn the_rust_counter_counts_by_the_rule() {
    let program = r#"
        use a::b;
        struct Weather { city: String, celsius: f64 }
        #[tokio::main]
        async fn main() -> Result<()> {
            let codex = Codex::new().await?;
            let decide = |_| async { Decision::Accept };
            for x in [1, 2] {
                if x > 1 { break; }
                println!("{x}");
            }
            let value = if ok { 1 } else { 2 };
            while go() {
                if done() { break; }
            }
            Ok(())
        }
    "#;
    // struct 1 + 2 fields; main: codex, decide, for, value, while (the
    // closure's and the conditional's blocks are bare values) + the for
    // body's if and println + its break + the while body's lone if + its break.
    assert_eq!(rust_statements(program), 3 + 5 + 2 + 1 + 2);
}

// --- The README rows' programs, run -------------------------------------------

fn examples_dir() -> PathBuf {
    std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("examples")
}

/// Builds the README rows' programs (`tests/examples/`) once.
fn ensure_built() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--locked", "--package", "openai-codex-tests", "--examples"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building tests/examples failed");
    });
}

fn command(name: &str, harness: &Harness) -> tokio::process::Command {
    ensure_built();
    let mut command = tokio::process::Command::new(examples_dir().join(name));
    command
        .env("CODEX_BIN", runtime_bin())
        .env("CODEX_HOME", harness.home.path())
        .current_dir(harness.cwd())
        .kill_on_drop(true);
    for name in SCRUBBED_ENV {
        command.env_remove(name);
    }
    command
}

async fn run(name: &str, harness: &Harness) -> String {
    let output = tokio::time::timeout(RUN_TIMEOUT, command(name, harness).output())
        .await
        .unwrap_or_else(|_| panic!("{name} did not finish in {RUN_TIMEOUT:?}"))
        .expect("the program runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_quickstart_runs() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text("- one\n- two\n- three"));
    assert_eq!(run("readme_quickstart", &harness).await.trim(), "- one\n- two\n- three");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_login_api_key_runs() {
    let harness = Harness::start_with(|home| home.provider_setting("requires_openai_auth = true")).await;
    run("readme_login_api_key", &harness).await;
}

/// The seed's headline: the read-only review turn cannot write, the turn
/// before it (workspace-write) could.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_headline_runs_and_the_review_is_read_only() {
    let harness = Harness::start().await;
    let change = harness.cwd().join("change.txt");
    let review = harness.cwd().join("review.txt");
    harness.mock.push(write_file("call-change", &change));
    harness.mock.push(Answer::text("changed"));
    harness.mock.push(write_file("call-review", &review));
    harness.mock.push(Answer::text("reviewed"));
    assert_eq!(run("seed_headline", &harness).await.trim(), "reviewed");
    assert!(change.exists(), "the workspace-write turn could write");
    assert!(!review.exists(), "the read-only review turn wrote");
}

/// The browser login prints its URL (the wait needs a person, so the
/// program is stopped there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readme_login_chatgpt_prints_the_url() {
    let harness = Harness::start().await;
    let mut child = command("readme_login_chatgpt", &harness)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the program runs");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = tokio::time::timeout(RUN_TIMEOUT, lines.next_line())
        .await
        .expect("the URL is printed in time")
        .unwrap()
        .expect("a line");
    assert!(url.starts_with("http"), "{url}");
    child.kill().await.unwrap();
}
