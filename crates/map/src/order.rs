//! Sorting for the player's size: one sort, compiled once.
//!
//! Every `sort_by`/`sort_unstable_by_key` on a new element type or with a
//! new key closure compiles another copy of the standard library's sort
//! (4–7 KB of wasm each; 62 KB of the player's unoptimised code before, see
//! ARCHITECTURE.md "Size budget"). [`sort_by`] sorts positions with one
//! comparator behind `dyn`, so the sort itself exists once, and then moves
//! the items into that order. It is stable. Use it where the list is built
//! once per data or per step (classes, names, tiles, labels); a hot per-frame
//! sort of many items may keep the standard sort on `(u64, u32)` pairs, as
//! the draw list does.

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
}
