//! `pipec fmt` never panics, and what it prints is a fixed point: formatting its
//! output again gives the output.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(once) = pipec::fmt::format_source("fuzz.pipe", text)
    {
        match pipec::fmt::format_source("fuzz.pipe", &once) {
            Ok(twice) => assert_eq!(twice, once, "not a fixed point"),
            Err(diags) => panic!("the output does not format again: {diags:?}"),
        }
    }
});
