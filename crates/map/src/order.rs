//! Sorting for the player's size: one sort, compiled once.
//!
//! Every `sort_by`/`sort_unstable_by_key` on a new element type or with a
//! new key closure compiles another copy of the standard library's sort
//! (4–7 KB of wasm each; 62 KB of the player's unoptimised code before, see
//! ARCHITECTURE.md "Size budget"). [`sort_by`] sorts positions with one
//! comparator behind `dyn`, so the sort itself exists once, and then moves
//! the items into that order. It is stable. Use it where the list is built
//! once per data or per step (classes, names, tiles, labels). The draw
//! list's per-frame grouping of many features by colour uses
//! [`sort_keyed`], a radix sort: linear in their number, and it does not
//! depend on the standard library's sort, which the player's build makes
//! small (a heapsort, `optimize_for_size`) rather than fast.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (equal items keep their order).
///
/// # Examples
/// ```
/// use twinstory_map::order::sort_by;
/// let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd')];
/// sort_by(&mut v, |x, y| x.0.cmp(&y.0));
/// assert_eq!(v, [(0, 'd'), (1, 'b'), (2, 'a'), (2, 'c')]);
/// ```
pub fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = {
        let view = &*items;
        positions(view.len(), &mut |a, b| compare(&view[a], &view[b]))
    };
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i as usize).and_then(Option::take)),
    );
}

/// Sorts `items` in their natural order, stably.
pub fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The positions `0..n` in the order `compare` gives them (stable).
fn positions(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by(|a, b| compare(*a as usize, *b as usize));
    order
}

/// Sorts `(key, index)` pairs by key, stably: a radix sort over the
/// bytes in which the keys differ (so 1–3 passes for colour keys), linear
/// in the number of pairs. When the indices ascend in `items`, as where
/// the draw list pushes them, the result is the pairs' natural order
/// (`sort_unstable`'s). `scratch` is reused between calls.
///
/// # Examples
/// ```
/// use twinstory_map::order::sort_keyed;
/// let mut v = vec![(7, 0), (3, 1), (7, 2), (0, 3)];
/// sort_keyed(&mut v, &mut Vec::new());
/// assert_eq!(v, [(0, 3), (3, 1), (7, 0), (7, 2)]);
/// ```
pub fn sort_keyed(items: &mut Vec<(u64, u32)>, scratch: &mut Vec<(u64, u32)>) {
    let (mut any, mut all) = (0u64, u64::MAX);
    for &(k, _) in items.iter() {
        any |= k;
        all &= k;
    }
    // A byte that is the same in every key orders nothing: no pass for it.
    let differ = any ^ all;
    if differ == 0 {
        return; // already in order: every key is the same
    }
    // Sized once: after each pass's swap both vectors have this length, and
    // every slot of the target is written.
    scratch.clear();
    scratch.resize(items.len(), (0, 0));
    for shift in (0..64).step_by(8) {
        if (differ >> shift) & 0xff == 0 {
            continue;
        }
        let mut start = [0usize; 257];
        for &(k, _) in items.iter() {
            start[((k >> shift) & 0xff) as usize + 1] += 1;
        }
        for b in 0..256 {
            start[b + 1] += start[b];
        }
        for &item in items.iter() {
            let b = ((item.0 >> shift) & 0xff) as usize;
            scratch[start[b]] = item;
            start[b] += 1;
        }
        std::mem::swap(items, scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut seed = 7u64;
        for n in [0, 1, 2, 3, 17, 200, 1000] {
            let v: Vec<(u8, u32)> = (0..n)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut got = v;
            sort_by(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, want, "n = {n}");
        }
        let mut names = vec!["b".to_owned(), "a".to_owned(), "c".to_owned()];
        sort(&mut names);
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[test]
    fn sort_keyed_orders_like_the_standard_sort() {
        let mut rng = crate::test_rng::Rng(0x0bad_5eed_0000_0001);
        // Few keys (colours), keys differing in one high byte, keys that
        // are all equal, and keys differing anywhere.
        let spreads: [fn(u64) -> u64; 4] = [
            |r| 0xff00_0000 | (r % 5),
            |r| (r % 3) << 56 | 0x1234,
            |_| 42,
            |r| r,
        ];
        let mut scratch = Vec::new();
        for n in [0, 1, 2, 3, 100, 5000] {
            for spread in spreads {
                let v: Vec<(u64, u32)> = (0..n).map(|i| (spread(rng.next_u64()), i)).collect();
                let mut want = v.clone();
                want.sort_unstable();
                let mut got = v;
                sort_keyed(&mut got, &mut scratch);
                assert_eq!(got, want, "n = {n}");
            }
        }
    }
}
