//! Where a generation run spends its time, by phase (`cargo codegen generate
//! --timings`, `cargo codegen check --timings`).
//!
//! The pipeline wraps each phase in [`phase`]; the time is recorded only
//! inside [`record`], so a plain run pays one clock read per phase and
//! nothing else. A phase that runs more than once (prettyplease, once per
//! file) is summed.

use std::cell::RefCell;
use std::fmt;
use std::time::{Duration, Instant};

thread_local! {
    static RECORDING: RefCell<Option<Vec<(&'static str, Duration)>>> = const { RefCell::new(None) };
}

/// Runs `work` as the phase `name`.
pub fn phase<T>(name: &'static str, work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = work();
    let elapsed = start.elapsed();
    RECORDING.with(|recording| {
        if let Some(phases) = recording.borrow_mut().as_mut() {
            match phases.iter_mut().find(|(phase, _)| *phase == name) {
                Some((_, total)) => *total += elapsed,
                None => phases.push((name, elapsed)),
            }
        }
    });
    out
}

/// Runs `work` and returns what it returned with the time of each phase in it.
pub fn record<T>(work: impl FnOnce() -> T) -> (T, Timings) {
    let outer = RECORDING.with(|recording| recording.borrow_mut().replace(Vec::new()));
    let start = Instant::now();
    let out = work();
    let total = start.elapsed();
    let phases = RECORDING.with(|recording| std::mem::replace(&mut *recording.borrow_mut(), outer)).unwrap_or_default();
    (out, Timings { phases, total })
}

/// The phases of one run, in the order they first ran.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Phase name and its time.
    pub phases: Vec<(&'static str, Duration)>,
    /// The whole run, phases and what lies between them.
    pub total: Duration,
}

impl fmt::Display for Timings {
    /// A table: phase, milliseconds, share of the whole run.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let share = |time: Duration| 100.0 * time.as_secs_f64() / self.total.as_secs_f64().max(f64::EPSILON);
        writeln!(f, "{:<34} {:>9} {:>6}", "phase", "ms", "%")?;
        for (name, time) in &self.phases {
            writeln!(f, "{name:<34} {:>9.1} {:>5.1}%", time.as_secs_f64() * 1e3, share(*time))?;
        }
        let covered: Duration = self.phases.iter().map(|(_, time)| *time).sum();
        let other = self.total.saturating_sub(covered);
        writeln!(f, "{:<34} {:>9.1} {:>5.1}%", "(between phases)", other.as_secs_f64() * 1e3, share(other))?;
        write!(f, "{:<34} {:>9.1}", "total", self.total.as_secs_f64() * 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_recorded_in_order_and_summed() {
        let ((), timings) = record(|| {
            phase("a", || std::thread::sleep(Duration::from_millis(2)));
            phase("b", || ());
            phase("a", || std::thread::sleep(Duration::from_millis(2)));
        });
        let names: Vec<&str> = timings.phases.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(timings.phases[0].1 >= Duration::from_millis(4));
        assert!(timings.to_string().contains("total"));
        // Outside `record` nothing is kept.
        phase("c", || ());
        let ((), again) = record(|| ());
        assert!(again.phases.is_empty());
    }
}
