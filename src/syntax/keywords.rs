//! The one table of the words the language gives meaning to. The parsers (`fast.rs`, the
//! resynchronisation in `mod.rs`, the messages in `errors.rs`) ask it; `tests/editors.rs`
//! checks that `grammar/pipe.pest` and every editor grammar list exactly these words.

/// How much of the language a word takes away from names and keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Never a name nor a block key (`item_keyword` in the grammar): a key `job` inside a block
    /// would hide a missing `}`, so the next item is found instead.
    Strict,
    /// Never a name (`keyword` in the grammar), but a valid key: `template { … }` is a key the
    /// checker can explain, `if = …` a key it reports as unknown.
    Reserved,
    /// Has its meaning only where the grammar expects it (`then` after `if c`, `readonly` after a
    /// mount, `defaults` at the top level); a valid name and key everywhere else.
    Contextual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keyword {
    pub word: &'static str,
    pub role: Role,
    /// Starts a top-level item: where the parser resynchronises after an error, and what
    /// "did you mean" offers for a misspelt item.
    pub starts_item: bool,
}

impl Keyword {
    /// `ident` refuses it: it cannot name a let, a param or a template.
    pub fn is_reserved(self) -> bool {
        self.role != Role::Contextual
    }
}

macro_rules! keywords {
    ($($word:literal: $role:ident $(, $item:ident)?;)*) => {
        /// Every keyword. The item keywords come in the order "did you mean" prefers on a tie.
        pub const KEYWORDS: &[Keyword] = &[
            $(Keyword { word: $word, role: Role::$role, starts_item: keywords!(@item $($item)?) },)*
        ];

        /// The table's row for `word`, if it is a keyword: a `match` the compiler turns into a
        /// switch on the length and a few comparisons (the fast parser asks it for every word).
        #[inline]
        pub fn lookup(word: &str) -> Option<Keyword> {
            match word {
                $($word => Some(Keyword { word: $word, role: Role::$role, starts_item: keywords!(@item $($item)?) }),)*
                _ => None,
            }
        }
    };
    (@item item) => { true };
    (@item) => { false };
}

keywords! {
    // Items.
    "namespace": Strict, item;
    "let": Strict, item;
    "config": Strict, item;
    "secret": Strict, item;
    "job": Strict, item;
    "cron": Strict, item;
    "daemon": Strict, item;
    "import": Strict, item;
    "param": Strict, item;
    "template": Reserved, item;
    "for": Strict, item;
    "defaults": Contextual, item;
    // The objects around the workloads, and `deployment`: items at the top level, keys and
    // names everywhere else (`role`, `service-account` and `service` are keys too).
    "service-account": Contextual, item;
    "role": Contextual, item;
    "cluster-role": Contextual, item;
    "role-binding": Contextual, item;
    "cluster-role-binding": Contextual, item;
    "service": Contextual, item;
    "deployment": Contextual, item;
    // `spark NAME { … }`: a Spark application (its driver Job and the objects around it).
    "spark": Contextual, item;
    "pipeline": Contextual, item;
    // `for x in …`.
    "in": Contextual;
    // Expressions.
    "if": Reserved;
    "then": Contextual;
    "else": Contextual;
    "true": Reserved;
    "false": Reserved;
    // Mounts: `mount data at "/data" readonly subpath "x" propagation host-to-container`.
    "mount": Strict;
    "at": Reserved;
    "readonly": Contextual;
    "subpath": Contextual;
    "propagation": Contextual;
}

/// `ident` refuses `word` (`keyword` in the grammar).
#[inline]
pub fn is_reserved(word: &str) -> bool {
    lookup(word).is_some_and(Keyword::is_reserved)
}

/// A block key cannot be `word` (`item_keyword` in the grammar).
#[inline]
pub fn is_strict(word: &str) -> bool {
    lookup(word).is_some_and(|k| k.role == Role::Strict)
}

/// `word` starts a top-level item.
#[inline]
pub fn starts_item(word: &str) -> bool {
    lookup(word).is_some_and(|k| k.starts_item)
}

/// The words that start an item, in the table's order.
pub fn item_words() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().filter(|k| k.starts_item).map(|k| k.word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_agrees_with_the_table() {
        for k in KEYWORDS {
            assert_eq!(lookup(k.word), Some(*k));
            // Whole words only: a prefix or a longer word is a name (unless it is a keyword too).
            let prefix = &k.word[..k.word.len() - 1];
            assert_eq!(lookup(prefix), KEYWORDS.iter().find(|x| x.word == prefix).copied());
            assert_eq!(lookup(&format!("{}s", k.word)), None);
        }
        let mut words: Vec<&str> = KEYWORDS.iter().map(|k| k.word).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), KEYWORDS.len(), "a word is listed twice");
    }

    /// Parser messages name the item keywords in prose; every one of them, and nothing else.
    #[test]
    fn the_item_list_in_messages_names_every_item_keyword() {
        let mut named: Vec<&str> = super::super::errors::ITEM_LIST.split('`').skip(1).step_by(2).collect();
        let mut items: Vec<&str> = item_words().collect();
        named.sort_unstable();
        items.sort_unstable();
        assert_eq!(named, items);
    }
}
