//! The whole pipeline (source → checked program → YAML) never panics, what it
//! emits when there is no error is a YAML stream, and writing while checking
//! (`pipec build`) gives the same diagnostics and bytes as keeping the objects.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// The fuzzer's programs read no files.
struct NoFiles;
impl pipec::Loader for NoFiles {
    fn load(&self, _: &str, _: &str) -> Result<String, String> {
        Err("no files while fuzzing".into())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let c = pipec::compile(vec![("fuzz.pipe".into(), text.to_string())], &NoFiles, &pipec::Options::default());
    for d in &c.diagnostics {
        // Rendering must not panic either.
        let _ = pipec::diag::render::human(d, &c.sources, false);
    }
    if !c.has_errors() {
        let yaml = c.yaml_stream();
        assert!(yaml.is_empty() || yaml.starts_with("apiVersion: "));
    }
    let options = pipec::Options { output: pipec::Output::Yaml, ..Default::default() };
    let written = pipec::compile(vec![("fuzz.pipe".into(), text.to_string())], &NoFiles, &options);
    let messages = |c: &pipec::Compilation| c.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>();
    assert_eq!(messages(&written), messages(&c));
    assert_eq!(written.yaml_stream(), c.yaml_stream());
});
