//! The one list of diagnostic codes. A code never changes meaning once
//! released; retired codes stay reserved. `docs/errors/` has a page per code and
//! a test checks that this table and the pages agree.

macro_rules! codes {
    ($($variant:ident = $code:literal, $title:literal;)*) => {
        /// A stable diagnostic code (`P0001`…).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),* }
            }
            /// One line saying what the code is about (the page title).
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title),* }
            }
            pub fn parse(text: &str) -> Option<Code> {
                let text = text.trim();
                Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(text))
            }
        }
    };
}

codes! {
    // ---- syntax: P00xx
    Syntax = "P0001", "syntax error";
    UnterminatedString = "P0002", "unterminated string";
    BadEscape = "P0003", "unknown escape sequence in a string";
    TooDeep = "P0004", "nesting too deep";
    NotUtf8 = "P0005", "source file is not UTF-8";
    EmptyProgram = "P0006", "program declares nothing";
    BadNumber = "P0007", "malformed number or unit";
    BadInterpolation = "P0008", "malformed `${…}` interpolation";
    TooLarge = "P0009", "source file too large";
    // ---- names: P01xx
    UnknownKey = "P0101", "unknown key";
    DuplicateKey = "P0102", "key given twice";
    DuplicateObject = "P0103", "two objects with the same kind and name";
    UnknownName = "P0104", "unknown name";
    DuplicateNamespace = "P0105", "namespace declared twice";
    MissingKey = "P0106", "required key missing";
    UnknownFunction = "P0107", "unknown function";
    DuplicateLet = "P0108", "`let` binding declared twice";
    // ---- types and units: P02xx
    TypeMismatch = "P0201", "value of the wrong type";
    UnitMismatch = "P0202", "value with the wrong unit";
    SuspiciousUnit = "P0203", "unit that is almost surely a mistake";
    OutOfRange = "P0204", "value out of range";
    UnknownVariant = "P0205", "unknown choice for this key";
    BadArguments = "P0206", "wrong arguments to a function";
    // ---- files: P03xx
    FileUnreadable = "P0301", "`file(…)` cannot be read";
    // ---- Kubernetes rules: P04xx
    RestartPolicy = "P0401", "restart policy the workload kind does not allow";
    InlineSecret = "P0402", "secret values written in the program";
    InvalidName = "P0403", "name Kubernetes does not accept";
    MountPath = "P0404", "mount path Kubernetes does not accept";
    DuplicateMountPath = "P0405", "two mounts at the same path";
    UnusedSecretKey = "P0406", "key not declared by the secret";
    ConfigKeyMissing = "P0407", "config key that does not exist";
}
