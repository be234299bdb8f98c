//! Which refusals at the gate go into the audit log. Every refusal (no session, a role that may not, a missing CSRF
//! token, a body too large) is worth a line, but a script hammering a route must not fill the log or hold the
//! accounts connection: per address and code, the first refusal in each minute is written, and the next line
//! written for that pair says how many were left out in between.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
const CAPACITY: usize = 10_000;

/// Per address and code: when the current minute began, and how many refusals it left out so far.
type Seen = HashMap<(Option<IpAddr>, &'static str), (Instant, u64)>;

#[derive(Default)]
pub struct Refusals {
    seen: Mutex<Seen>,
}

impl Refusals {
    /// `Some(left_out)` when this refusal is to be written (with the number left out since the last written one).
    pub fn sample(&self, ip: Option<IpAddr>, code: &'static str) -> Option<u64> {
        self.sample_at(ip, code, Instant::now())
    }

    fn sample_at(&self, ip: Option<IpAddr>, code: &'static str, now: Instant) -> Option<u64> {
        let mut m = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if m.len() >= CAPACITY {
            m.retain(|_, (since, _)| now.duration_since(*since) < WINDOW);
        }
        match m.get_mut(&(ip, code)) {
            Some((since, left_out)) if now.duration_since(*since) < WINDOW => {
                *left_out += 1;
                None
            }
            Some((since, left_out)) => {
                let n = std::mem::take(left_out);
                *since = now;
                Some(n)
            }
            None => {
                m.insert((ip, code), (now, 0));
                Some(0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_address_and_code_each_minute_counting_the_rest() {
        let r = Refusals::default();
        let ip = Some(IpAddr::from([198, 51, 100, 1]));
        let t0 = Instant::now();
        assert_eq!(r.sample_at(ip, "login_required", t0), Some(0));
        for s in 1..50 {
            assert_eq!(r.sample_at(ip, "login_required", t0 + Duration::from_millis(s * 100)), None);
        }
        assert_eq!(r.sample_at(ip, "forbidden", t0), Some(0), "another code is its own pair");
        assert_eq!(r.sample_at(None, "login_required", t0), Some(0), "another address too");
        assert_eq!(r.sample_at(ip, "login_required", t0 + WINDOW), Some(49), "the next line counts those left out");
        assert_eq!(r.sample_at(ip, "login_required", t0 + WINDOW + Duration::from_secs(1)), None);
    }
}
