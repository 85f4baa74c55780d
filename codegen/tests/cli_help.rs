//! Every command of the CLI explains itself with `--help`.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_openai-codex-codegen"))
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?} --help failed");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn top_level_help_lists_every_command() {
    let text = help(&[]);
    for command in ["generate", "check", "runtime", "schema"] {
        assert!(text.contains(command), "`{command}` missing from:\n{text}");
    }
}

#[test]
fn each_subcommand_has_its_own_help() {
    let cases: [(&[&str], &str); 5] = [
        (&["generate"], "offline"),
        (&["check"], "diff"),
        (&["runtime", "install"], "checksum verified"),
        (&["schema", "update"], "--version"),
        (&["schema", "update"], "--codex-bin"),
    ];
    for (args, expected) in cases {
        let text = help(args);
        assert!(text.contains(expected), "{args:?} --help lacks `{expected}`:\n{text}");
    }
}
