//! Idle squeezing (`-i/--idle-time-limit`, asciinema's `idle_time_limit`): a pause between two
//! events longer than the limit lasts only the limit. The player's clock and the exports both
//! map times through [`Squeeze`].
//!
//! Two time scales: *recording time*, what the timeline stores, and *presentation time*, the
//! same with idle stretches squeezed out.

use super::Nanos;

/// An idle stretch squeezed out: recording time `from..to` is skipped (`from` is the previous
/// event plus the limit, `to` the next event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub from: Nanos,
    pub to: Nanos,
    /// Recording time removed by the cuts before this one.
    removed_before: Nanos,
}

/// The mapping between recording and presentation time.
#[derive(Debug, Clone, Default)]
pub struct Squeeze {
    cuts: Vec<Cut>,
}

impl Squeeze {
    /// Cuts for event times `times` (non-decreasing) with pauses limited to `limit`.
    pub fn new(times: impl IntoIterator<Item = Nanos>, limit: Option<Nanos>) -> Self {
        let Some(limit) = limit else {
            return Squeeze::default();
        };
        let mut cuts = Vec::new();
        let mut removed = 0;
        let mut prev: Option<Nanos> = None;
        for t in times {
            // the start of the recording counts as an event: a long wait before the first
            // output is squeezed too
            let p = prev.unwrap_or(0);
            if t > p && t - p > limit {
                cuts.push(Cut {
                    from: p + limit,
                    to: t,
                    removed_before: removed,
                });
                removed += t - p - limit;
            }
            prev = Some(t);
        }
        Squeeze { cuts }
    }

    pub fn cuts(&self) -> &[Cut] {
        &self.cuts
    }

    /// Presentation time of a recording time.
    pub fn pres(&self, t: Nanos) -> Nanos {
        let k = self.cuts.partition_point(|c| c.from < t);
        if k == 0 {
            return t;
        }
        let c = &self.cuts[k - 1];
        t - (c.removed_before + (t.min(c.to) - c.from))
    }

    /// Recording time of a presentation time: at a cut, the event after the idle stretch.
    pub fn rec(&self, p: Nanos) -> Nanos {
        let k = self
            .cuts
            .partition_point(|c| c.from - c.removed_before <= p);
        if k == 0 {
            return p;
        }
        let c = &self.cuts[k - 1];
        p + c.removed_before + (c.to - c.from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pause_lasts_at_most_the_limit() {
        // the start counts as an event: the 5 s wait before the first one is squeezed too
        let sq = Squeeze::new([5, 6, 20, 21, 40], Some(3));
        let pres: Vec<Nanos> = [5, 6, 20, 21, 40].iter().map(|&t| sq.pres(t)).collect();
        assert_eq!(pres, [3, 4, 7, 8, 11]);
        for (&t, &p) in [5, 6, 20, 21, 40].iter().zip(&pres) {
            assert_eq!(sq.rec(p), t, "an event's presentation time maps back to it");
        }
        // inside a cut, presentation time stands still at the limit
        assert_eq!(sq.pres(15), 7);
        assert!(Squeeze::new([5, 100], None).cuts().is_empty());
        assert_eq!(Squeeze::new([5, 100], None).pres(100), 100);
    }
}
