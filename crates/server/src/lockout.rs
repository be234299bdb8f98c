//! Back-off after wrong passwords, per name and address. Five wrong passwords for one name from one address within
//! fifteen minutes hold that name for that address for fifteen minutes; the same name from any other address is not
//! affected, so a stranger cannot lock the owner (or the administrator) out, and the hold ends by itself. Names
//! that do not exist are held exactly like names that do, so the answer never tells which exist. The address
//! allowance (`auth::Throttle`) still bounds how fast one address tries names at all.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong passwords for one name from one address before it is held.
pub const MAX_FAILURES: u32 = 5;
/// How long a hold lasts, and the window the failures are counted in.
pub const HOLD: Duration = Duration::from_secs(15 * 60);
/// Pairs remembered at most; beyond it, pairs whose window has passed are forgotten first.
const CAPACITY: usize = 100_000;

#[derive(Clone, Copy)]
struct Pair {
    failures: u32,
    first: Instant,
    held_until: Option<Instant>,
}

#[derive(Default)]
pub struct Lockout {
    pairs: Mutex<HashMap<(String, IpAddr), Pair>>,
}

impl Lockout {
    fn pairs(&self) -> std::sync::MutexGuard<'_, HashMap<(String, IpAddr), Pair>> {
        self.pairs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn key(name: &str, ip: IpAddr) -> (String, IpAddr) {
        (name.trim().to_lowercase(), ip)
    }

    /// `Err(wait)` while the name is held for this address.
    pub fn check(&self, name: &str, ip: IpAddr) -> Result<(), Duration> {
        self.check_at(name, ip, Instant::now())
    }

    fn check_at(&self, name: &str, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        match self.pairs().get(&Self::key(name, ip)).and_then(|p| p.held_until) {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Count a wrong password (or an unknown name); true when this failure starts a hold.
    pub fn failed(&self, name: &str, ip: IpAddr) -> bool {
        self.failed_at(name, ip, Instant::now())
    }

    fn failed_at(&self, name: &str, ip: IpAddr, now: Instant) -> bool {
        let mut m = self.pairs();
        if m.len() >= CAPACITY {
            m.retain(|_, p| now.duration_since(p.first) < HOLD || p.held_until.is_some_and(|u| u > now));
            if m.len() >= CAPACITY {
                // Still full of live pairs (a flood of names): forget the oldest half rather than grow.
                let mut firsts: Vec<Instant> = m.values().map(|p| p.first).collect();
                firsts.sort_unstable();
                let cut = firsts[firsts.len() / 2];
                m.retain(|_, p| p.first > cut);
            }
        }
        let p = m.entry(Self::key(name, ip)).or_insert(Pair { failures: 0, first: now, held_until: None });
        if now.duration_since(p.first) >= HOLD && p.held_until.is_none_or(|u| u <= now) {
            *p = Pair { failures: 0, first: now, held_until: None };
        }
        p.failures += 1;
        if p.failures >= MAX_FAILURES && p.held_until.is_none_or(|u| u <= now) {
            p.held_until = Some(now + HOLD);
            p.failures = 0;
            p.first = now;
            return true;
        }
        false
    }

    /// A right password: the pair starts afresh.
    pub fn succeeded(&self, name: &str, ip: IpAddr) {
        self.pairs().remove(&Self::key(name, ip));
    }

    /// An administrator reset the account: every hold on the name ends.
    pub fn release(&self, name: &str) {
        let name = name.trim().to_lowercase();
        self.pairs().retain(|(n, _), _| *n != name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRANGER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7));
    const OWNER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn a_stranger_holds_only_their_own_address_and_the_hold_ends() {
        let l = Lockout::default();
        let t0 = Instant::now();
        for i in 1..MAX_FAILURES {
            assert!(!l.failed_at("Admin", STRANGER, t0), "failure {i} does not hold yet");
            assert!(l.check_at("admin", STRANGER, t0).is_ok());
        }
        assert!(l.failed_at("admin ", STRANGER, t0), "the fifth failure holds (names compared without case or spaces)");
        let wait = l.check_at("admin", STRANGER, t0 + Duration::from_secs(60)).expect_err("held");
        assert_eq!(wait, HOLD - Duration::from_secs(60));
        assert!(l.check_at("admin", OWNER, t0).is_ok(), "the owner's address is not held");
        assert!(l.check_at("admin", STRANGER, t0 + HOLD).is_ok(), "the hold ends by itself");
        // Failures spread beyond the window never add up to a hold.
        let l = Lockout::default();
        for i in 0..20u64 {
            assert!(!l.failed_at("ops", STRANGER, t0 + HOLD * (i as u32 + 1) / 4 * 2));
        }
    }

    #[test]
    fn success_and_an_administrator_reset_clear_holds() {
        let l = Lockout::default();
        let t0 = Instant::now();
        for _ in 0..MAX_FAILURES {
            l.failed_at("ent1", STRANGER, t0);
        }
        assert!(l.check_at("ent1", STRANGER, t0).is_err());
        l.release("ENT1");
        assert!(l.check_at("ent1", STRANGER, t0).is_ok());
        for _ in 0..MAX_FAILURES - 1 {
            l.failed_at("ent1", OWNER, t0);
        }
        l.succeeded("ent1", OWNER);
        assert!(!l.failed_at("ent1", OWNER, t0), "counting starts again after a success");
    }
}
