//! Helpers shared by the codegen tests that use the real runtime fixtures.

use std::path::Path;

use openai_codex_codegen::files::walk;

/// Copies the tree `from` into `to`, unpacking each gzipped file
/// (`x.json.gz` becomes `x.json`): the fixtures keep their snapshots gzipped.
pub fn copy_tree(from: &Path, to: &Path) {
    for file in walk(from).unwrap() {
        let target = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        if file.extension().is_some_and(|ext| ext == "gz") {
            let mut text = Vec::new();
            let compressed = std::fs::File::open(&file).unwrap();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(compressed), &mut text).unwrap();
            std::fs::write(target.with_extension(""), text).unwrap();
        } else {
            std::fs::copy(&file, target).unwrap();
        }
    }
}
