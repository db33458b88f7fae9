//! Class breaks for choropleth maps: quantiles, equal intervals and natural
//! breaks (Jenks).
//!
//! Breaks are returned as `[min, b1, …, max]`: `k` classes have `k + 1`
//! numbers. Class `i` holds the values `v` with `b_i < v ≤ b_{i+1}`; the first
//! class also holds the minimum itself. Values that are not finite (NaN,
//! infinities) are ignored. When the data cannot fill the requested number
//! of classes (ties, fewer distinct values than classes) fewer classes are
//! returned rather than empty or repeated ones, so a legend never shows a
//! class that no feature can fall into.

/// How values are divided into classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Every class holds about the same number of features.
    Quantiles,
    /// Every class spans the same range of values.
    EqualInterval,
    /// Breaks where the data has gaps (Jenks): values within a class are as
    /// close together as possible.
    NaturalBreaks,
}

/// Above this many distinct values, natural breaks are computed on this
/// many evenly spaced quantiles of the data (the exact optimum is O(k·n²)).
pub const JENKS_MAX_VALUES: usize = 2000;

/// Class breaks `[min, …, max]` of `values` for at most `classes` classes.
///
/// Returns an empty vector when there is no finite value or `classes` is 0,
/// and `[v, v]` (one class) when all values are equal.
///
/// # Examples
/// ```
/// use twinstory_scene::classify::{breaks, Method};
/// let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
/// assert_eq!(breaks(&v, 5, Method::Quantiles), [1.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
/// assert_eq!(breaks(&v, 3, Method::EqualInterval), [1.0, 4.0, 7.0, 10.0]);
/// let gaps = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 20.0, 21.0, 22.0];
/// assert_eq!(breaks(&gaps, 3, Method::NaturalBreaks), [1.0, 3.0, 12.0, 22.0]);
/// // Edge cases: NaN is ignored, no data gives no breaks, equal values one class.
/// assert_eq!(breaks(&[f64::NAN, 4.0, 2.0], 2, Method::EqualInterval), [2.0, 3.0, 4.0]);
/// assert!(breaks(&[], 5, Method::Quantiles).is_empty());
/// assert_eq!(breaks(&[7.0, 7.0, 7.0], 4, Method::EqualInterval), [7.0, 7.0]);
/// ```
pub fn breaks(values: &[f64], classes: usize, method: Method) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() || classes == 0 {
        return Vec::new();
    }
    twinstory_map::order::sort_by(&mut sorted, f64::total_cmp);
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    if min == max {
        return vec![min, max];
    }
    let uppers = match method {
        Method::Quantiles => quantile_uppers(&sorted, classes),
        Method::EqualInterval => (1..=classes)
            .map(|j| {
                if j == classes {
                    max
                } else {
                    min + (max - min) * j as f64 / classes as f64
                }
            })
            .collect(),
        Method::NaturalBreaks => jenks_uppers(&sorted, classes),
    };
    let mut out = vec![min];
    for u in uppers {
        // Ties make neighbouring breaks equal; such a class could never hold
        // a value, so it is dropped. The first class may be just `min`.
        if out.len() == 1 || u > out[out.len() - 1] {
            out.push(u);
        }
    }
    if out.len() == 1 || out[out.len() - 1] < max {
        out.push(max);
    }
    out
}

/// The class (0-based) of `value` for `breaks` from [`breaks`], or `None`
/// for values that are not finite or lie outside `[min, max]`.
///
/// # Examples
/// ```
/// use twinstory_scene::classify::class_of;
/// let b = [1.0, 2.0, 4.0, 10.0];
/// assert_eq!(class_of(&b, 1.0), Some(0));
/// assert_eq!(class_of(&b, 2.0), Some(0)); // upper bounds belong to the lower class
/// assert_eq!(class_of(&b, 2.5), Some(1));
/// assert_eq!(class_of(&b, 10.0), Some(2));
/// assert_eq!(class_of(&b, 11.0), None);
/// assert_eq!(class_of(&b, f64::NAN), None);
/// assert_eq!(class_of(&[5.0, 5.0], 5.0), Some(0));
/// ```
pub fn class_of(breaks: &[f64], value: f64) -> Option<usize> {
    if breaks.len() < 2 || !value.is_finite() || value < breaks[0] {
        return None;
    }
    let uppers = &breaks[1..];
    let i = uppers.partition_point(|&u| u < value);
    (i < uppers.len()).then_some(i)
}

/// Upper bounds that put about `n / k` sorted values in each class.
fn quantile_uppers(sorted: &[f64], k: usize) -> Vec<f64> {
    let n = sorted.len();
    (1..=k)
        .map(|j| {
            let idx = ((j * n) as f64 / k as f64).round() as usize;
            sorted[idx.clamp(1, n) - 1]
        })
        .collect()
}

/// Upper bounds of the Jenks/Fisher optimal partition: the one that
/// minimises the sum of squared deviations from each class mean.
///
/// Works on distinct values weighted by how often they occur, so ties cost
/// nothing and a class never splits equal values.
fn jenks_uppers(sorted: &[f64], k: usize) -> Vec<f64> {
    let mut values: Vec<f64> = Vec::new();
    let mut weights: Vec<f64> = Vec::new();
    for &v in sorted {
        match values.last() {
            Some(&last) if last == v => {
                if let Some(w) = weights.last_mut() {
                    *w += 1.0;
                }
            }
            _ => {
                values.push(v);
                weights.push(1.0);
            }
        }
    }
    if values.len() > JENKS_MAX_VALUES {
        // Evenly spaced quantiles keep the shape of the distribution.
        let m = JENKS_MAX_VALUES;
        let picked: Vec<f64> = (0..m)
            .map(|i| sorted[i * (sorted.len() - 1) / (m - 1)])
            .collect();
        return jenks_uppers_weighted(&dedup_weighted(&picked), k);
    }
    jenks_uppers_weighted(&(values, weights), k)
}

fn dedup_weighted(sorted: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut values: Vec<f64> = Vec::new();
    let mut weights: Vec<f64> = Vec::new();
    for &v in sorted {
        if values.last() == Some(&v) {
            if let Some(w) = weights.last_mut() {
                *w += 1.0;
            }
        } else {
            values.push(v);
            weights.push(1.0);
        }
    }
    (values, weights)
}

fn jenks_uppers_weighted((values, weights): &(Vec<f64>, Vec<f64>), k: usize) -> Vec<f64> {
    let m = values.len();
    if k >= m {
        return values.clone();
    }
    // Prefix sums of weight, weighted value and weighted square, so the
    // squared deviation of any run of values is O(1).
    let mut sw = vec![0.0; m + 1];
    let mut sx = vec![0.0; m + 1];
    let mut sxx = vec![0.0; m + 1];
    for i in 0..m {
        sw[i + 1] = sw[i] + weights[i];
        sx[i + 1] = sx[i] + weights[i] * values[i];
        sxx[i + 1] = sxx[i] + weights[i] * values[i] * values[i];
    }
    // Squared deviation of values[a..b].
    let ssd = |a: usize, b: usize| {
        let w = sw[b] - sw[a];
        let s = sx[b] - sx[a];
        ((sxx[b] - sxx[a]) - s * s / w).max(0.0)
    };
    // cost[c][j]: best cost of putting values[..j] into c + 1 classes;
    // from[c][j]: where the last of those classes starts.
    let mut cost = vec![vec![f64::INFINITY; m + 1]; k];
    let mut from = vec![vec![0usize; m + 1]; k];
    for (j, c0) in cost[0].iter_mut().enumerate().skip(1) {
        *c0 = ssd(0, j);
    }
    for c in 1..k {
        let (done, rest) = cost.split_at_mut(c);
        let (prev, cur) = (&done[c - 1], &mut rest[0]);
        for j in (c + 1)..=m {
            let mut best = f64::INFINITY;
            let mut arg = c;
            for (i, p) in prev.iter().enumerate().take(j).skip(c) {
                let v = p + ssd(i, j);
                if v < best {
                    best = v;
                    arg = i;
                }
            }
            cur[j] = best;
            from[c][j] = arg;
        }
    }
    let mut uppers = vec![0.0; k];
    let mut j = m;
    for c in (0..k).rev() {
        uppers[c] = values[j - 1];
        j = from[c][j];
    }
    uppers
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sum of squared deviations from class means for given breaks.
    fn total_ssd(values: &[f64], b: &[f64]) -> f64 {
        let mut sum = 0.0;
        for c in 0..b.len() - 1 {
            let members: Vec<f64> = values
                .iter()
                .copied()
                .filter(|&v| class_of(b, v) == Some(c))
                .collect();
            let mean = members.iter().sum::<f64>() / members.len().max(1) as f64;
            sum += members.iter().map(|v| (v - mean).powi(2)).sum::<f64>();
        }
        sum
    }

    #[test]
    fn jenks_matches_a_hand_checked_optimum() {
        // Candidates for 3 classes of 1 2 4 5 7 9 10 20 (checked by hand
        // and by exhaustive search below): {1 2 4 5} {7 9 10} {20} has
        // squared deviations 10 + 4.667 + 0 = 14.667, the smallest.
        let v = [1.0, 2.0, 4.0, 5.0, 7.0, 9.0, 10.0, 20.0];
        let b = breaks(&v, 3, Method::NaturalBreaks);
        assert_eq!(b, [1.0, 5.0, 10.0, 20.0]);
        assert!((total_ssd(&v, &b) - 14.666_666).abs() < 1e-3);
    }

    #[test]
    fn jenks_is_optimal_against_exhaustive_search() {
        // A fixed pseudo-random sample (LCG) so the test is reproducible.
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((seed >> 33) % 50) as f64
        };
        for _ in 0..30 {
            let v: Vec<f64> = (0..9).map(|_| next()).collect();
            let b = breaks(&v, 3, Method::NaturalBreaks);
            let got = total_ssd(&v, &b);
            let mut u = v.clone();
            u.sort_by(f64::total_cmp);
            u.dedup();
            let mut best = f64::INFINITY;
            let last = u.len() - 1;
            // Every split of the distinct values into 3 runs: upper bounds u[i] < u[j] < u[last].
            for i in 0..last {
                for j in i + 1..last {
                    best = best.min(total_ssd(&v, &[u[0], u[i], u[j], u[last]]));
                }
            }
            assert!(got <= best + 1e-9, "{v:?}: {b:?} costs {got}, best {best}");
        }
    }

    #[test]
    fn quantiles_with_ties_give_fewer_classes_not_empty_ones() {
        // Half the values are 0: the 4 requested classes collapse to 3.
        let v = [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0];
        let b = breaks(&v, 4, Method::Quantiles);
        assert_eq!(b, [0.0, 0.0, 2.0, 4.0]);
        let counts: Vec<usize> = (0..b.len() - 1)
            .map(|c| v.iter().filter(|&&x| class_of(&b, x) == Some(c)).count())
            .collect();
        assert_eq!(counts, [4, 2, 2]);
    }

    #[test]
    fn more_classes_than_distinct_values() {
        let v = [3.0, 1.0, 3.0, 2.0];
        assert_eq!(breaks(&v, 7, Method::NaturalBreaks), [1.0, 1.0, 2.0, 3.0]);
        assert_eq!(breaks(&v, 7, Method::Quantiles), [1.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn only_non_finite_values_give_no_breaks() {
        for m in [
            Method::Quantiles,
            Method::EqualInterval,
            Method::NaturalBreaks,
        ] {
            assert!(breaks(&[f64::NAN, f64::INFINITY], 3, m).is_empty());
            assert!(breaks(&[1.0, 2.0], 0, m).is_empty());
        }
    }

    #[test]
    fn every_value_falls_into_a_class() {
        let v: Vec<f64> = (0..5000)
            .map(|i| ((i * 7919) % 1000) as f64 / 3.0)
            .collect();
        for m in [
            Method::Quantiles,
            Method::EqualInterval,
            Method::NaturalBreaks,
        ] {
            let b = breaks(&v, 6, m);
            assert_eq!(b.len(), 7, "{m:?}");
            assert!(v.iter().all(|&x| class_of(&b, x).is_some()), "{m:?}");
        }
    }
}
