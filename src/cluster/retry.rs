//! Retries with exponential backoff: on 409 that is not a field conflict (an
//! object modified meanwhile), 429 (waiting at least the server's Retry-After),
//! 500, 502, 503, 504 and on connections that broke mid-request. Server-side
//! apply is idempotent, so sending a patch again is always safe.

use super::problem::{is_conflict, transient};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Tries per request, the first included.
const ATTEMPTS: u32 = 6;
const FIRST_DELAY: Duration = Duration::from_millis(50);
const MAX_DELAY: Duration = Duration::from_secs(3);
/// A Retry-After longer than this is cut to it.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// How many retries a run made (for its summary).
#[derive(Default)]
pub struct Retries(AtomicU32);

impl Retries {
    pub fn count(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Whether `e` is worth another try, and the least wait the server asks for.
pub fn retry_hint(e: &kube::Error) -> Option<Duration> {
    match e {
        kube::Error::Api(s) => match s.code {
            429 => {
                let secs = s.details.as_ref().map_or(0, |d| d.retry_after_seconds);
                Some(Duration::from_secs(u64::from(secs)).min(MAX_RETRY_AFTER))
            }
            500 | 502 | 503 | 504 => Some(Duration::ZERO),
            409 if !is_conflict(s) && s.reason != "AlreadyExists" => Some(Duration::ZERO),
            _ => None,
        },
        other if transient(other) => Some(Duration::ZERO),
        _ => None,
    }
}

pub async fn retry<T, F, Fut>(retries: &Retries, mut attempt: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    let mut delay = FIRST_DELAY;
    let mut tries = 1;
    loop {
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(e) => match retry_hint(&e) {
                Some(at_least) if tries < ATTEMPTS => {
                    retries.0.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(delay.max(at_least)).await;
                    delay = (delay * 2).min(MAX_DELAY);
                    tries += 1;
                }
                _ => return Err(e),
            },
        }
    }
}
