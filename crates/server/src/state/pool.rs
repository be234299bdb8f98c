//! The record store's connections as the server lends them: a [`Pool`] of one or more connections, each used by one
//! job at a time on a blocking thread. A request waits for a free connection without holding a thread, and a read
//! whose request is dropped (the client went away) is interrupted, so that it stops working for no one.
//!
//! An interrupt reaches only the job it was meant for: the job's number is recorded on its connection while it runs,
//! and the watcher that interrupts checks it under the same lock the job clears it under when it ends. A job whose
//! request is dropped before it starts never runs at all.

use crate::error::{ApiError, Code};
use chainscope_store::{Interrupter, Store, StoreError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Some connections to the same store, lent one job at a time.
pub(crate) struct Pool {
    slots: Vec<Arc<Slot>>,
    /// The indexes of the connections no job holds.
    free: Mutex<Vec<usize>>,
    /// One permit per connection: a job holds one from before it takes a connection until it gives it back.
    permits: Arc<Semaphore>,
    next_job: AtomicU64,
}

/// One connection with what it takes to interrupt it.
struct Slot {
    store: Mutex<Box<dyn Store>>,
    interrupter: Interrupter,
    /// The number of the job running on this connection now; 0 when none.
    running: Mutex<u64>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Pool {
    pub(crate) fn new(stores: Vec<Box<dyn Store>>) -> Self {
        let slots: Vec<Arc<Slot>> = stores
            .into_iter()
            .map(|store| Arc::new(Slot { interrupter: store.interrupter(), store: Mutex::new(store), running: Mutex::new(0) }))
            .collect();
        Self {
            free: Mutex::new((0..slots.len()).rev().collect()),
            permits: Arc::new(Semaphore::new(slots.len())),
            slots,
            next_job: AtomicU64::new(1),
        }
    }

    /// How many connections the pool holds.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Run `f` on a free connection, on a blocking thread, waiting (without a thread) until one is free. When
    /// `interruptible` and the returned future is dropped before `f` ends, the connection is interrupted: `f`'s
    /// statement fails with [`StoreError::Interrupted`] and the connection is free for the next job. Otherwise `f`
    /// runs to its end whatever becomes of the caller.
    pub(crate) async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        interruptible: bool,
        f: impl FnOnce(&mut dyn Store) -> chainscope_store::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = self.permits.clone().acquire_owned().await.map_err(|e| Code::TaskFailed.logged(e))?;
        let Some(index) = lock(&self.free).pop() else {
            return Err(Code::TaskFailed.logged("a store connection was lent twice"));
        };
        let lease = Lease { pool: self.clone(), index, _permit: permit };
        let slot = self.slots[index].clone();
        let job = self.next_job.fetch_add(1, Ordering::Relaxed);
        let cancelled = Arc::new(AtomicBool::new(false));
        let mut watch = Watch { slot: slot.clone(), job, cancelled: cancelled.clone(), armed: interruptible };
        let work = tokio::task::spawn_blocking(move || {
            let _lease = lease;
            let mut store = lock(&slot.store);
            {
                let mut running = lock(&slot.running);
                if cancelled.load(Ordering::Acquire) {
                    return Err(ApiError::from(StoreError::Interrupted));
                }
                *running = job;
            }
            let out = f(store.as_mut());
            *lock(&slot.running) = 0;
            out.map_err(ApiError::from)
        });
        let out = work.await;
        watch.armed = false;
        out.unwrap_or_else(|e| Err(ApiError::from(e)))
    }
}

/// A connection taken from the pool; dropping it gives the connection back, then the permit.
struct Lease {
    pool: Arc<Pool>,
    index: usize,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        lock(&self.pool.free).push(self.index);
    }
}

/// Lives in the request's future while its job runs: dropped early (the request was abandoned), it stops the job.
struct Watch {
    slot: Arc<Slot>,
    job: u64,
    cancelled: Arc<AtomicBool>,
    armed: bool,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let running = lock(&self.slot.running);
        self.cancelled.store(true, Ordering::Release);
        if *running == self.job {
            tracing::debug!(job = self.job, "request abandoned; interrupting its query");
            self.slot.interrupter.interrupt();
        }
    }
}
