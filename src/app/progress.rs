//! The progress bar of a run (and of a shard run) on stderr, with its time left.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The progress bar on stderr (hidden with `--quiet`) over `total` users simulated.
pub(super) fn progress_bar(quiet: bool, total: u64) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {percent}% users simulated{eta}",
        )
        .expect("static template is valid")
        .with_key(
            "eta",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let total = state.len().unwrap_or(0);
                if let Some(left) = eta(state.elapsed(), state.pos(), total) {
                    let _ = write!(w, ", eta {left}");
                }
            },
        ),
    );
    bar
}

/// Time left, once the progress so far says something about it: after the first two seconds
/// (thread start-up and the first blocks distort the rate before that), from the average rate
/// since the start, which is steady for a simulation, rounded up to whole seconds.
fn eta(elapsed: Duration, done: u64, total: u64) -> Option<String> {
    if elapsed < Duration::from_secs(2) || done == 0 || total == 0 {
        return None;
    }
    let left = elapsed.as_secs_f64() * total.saturating_sub(done) as f64 / done as f64;
    let secs = left.ceil() as u64;
    Some(match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::eta;

    #[test]
    fn eta_is_hidden_for_the_first_two_seconds_then_follows_the_average_rate() {
        let s = Duration::from_secs_f64;
        // The first blocks of a 5.7 s run: no estimate yet, however few users are done.
        assert_eq!(eta(s(0.3), 1, 1000), None);
        assert_eq!(eta(s(1.9), 330, 1000), None);
        assert_eq!(eta(s(2.0), 0, 1000), None);
        // 2 s for 35% of the users: 3.7 s left at that rate, shown as 4s.
        assert_eq!(eta(s(2.0), 350, 1000).as_deref(), Some("4s"));
        assert_eq!(eta(s(60.0), 400, 1000).as_deref(), Some("1m 30s"));
        assert_eq!(eta(s(3600.0), 250, 1000).as_deref(), Some("3h 00m"));
        assert_eq!(eta(s(5.7), 1000, 1000).as_deref(), Some("0s"));
    }
}
