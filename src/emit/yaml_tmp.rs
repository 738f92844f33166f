#[derive(Debug)]
pub struct YamlError(pub String);
impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
pub fn write_document<T: serde::Serialize + ?Sized>(value: &T, out: &mut String) -> Result<(), YamlError> {
    out.push_str(&serde_json::to_string_pretty(value).map_err(|e| YamlError(e.to_string()))?);
    out.push('\n');
    Ok(())
}
