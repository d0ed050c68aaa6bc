//! Locking shared by every stage: a poisoned mutex (a thread panicked holding it) is still
//! used, since what it guards is plain bookkeeping that stays consistent between statements.

/// Locks `m`, taking over a poisoned lock.
pub fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
