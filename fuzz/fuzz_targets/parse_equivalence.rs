//! The parser's fast path gives exactly the tree pest gives (spans and end
//! included), or declines the item, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pipec::limits::Limits;
use pipec::source::FileId;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(difference) = pipec::syntax::check_fast_path(FileId(0), text, &Limits::default())
    {
        panic!("fast path and pest differ {difference}");
    }
});
