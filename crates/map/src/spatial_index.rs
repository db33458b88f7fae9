//! The spatial index behind hit tests and the labels' visible features
//! ([`crate::hit::HitIndex`]): a [`SpatialIndex`] is built once per layer
//! when its data arrives, and a query visits only the nodes whose box
//! meets it.

use crate::geometry::bbox::{intersects, is_valid, union, EMPTY};

/// Children per node of the packed R-tree (16 is flatbush's default and a
/// good balance between tree depth and boxes tested per node).
const NODE_SIZE: usize = 16;

/// A static packed R-tree over axis-aligned boxes `[min_x, min_y, max_x, max_y]`.
///
/// Entries are sorted along a Z-order curve of their centres and packed
/// bottom-up into full nodes, as flatbush does; the tree cannot change after
/// it is built, which is all a loaded layer needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpatialIndex {
    num_items: usize,
    /// Leaves (sorted items) first, then each upper level, the root last.
    boxes: Vec<[f64; 4]>,
    /// For leaves: the item's index; for nodes: the position of the first child.
    indices: Vec<u32>,
    /// End position (exclusive) of each level in `boxes`.
    level_bounds: Vec<usize>,
}

impl SpatialIndex {
    /// Builds the index over `boxes`; item `i` is `boxes[i]`.
    ///
    /// Boxes with NaN or inverted extents (e.g. a shape without finite
    /// vertices) are kept but never found.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::spatial_index::SpatialIndex;
    /// let index = SpatialIndex::new(&[[0.0, 0.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0]]);
    /// let mut found = Vec::new();
    /// index.search(&[0.5, 0.5, 2.0, 2.0], |i| found.push(i));
    /// assert_eq!(found, [0]);
    /// ```
    pub fn new(boxes: &[[f64; 4]]) -> Self {
        let n = boxes.len();
        if n == 0 {
            return Self::default();
        }
        let mut level_bounds = vec![n];
        let (mut count, mut total) = (n, n);
        loop {
            count = count.div_ceil(NODE_SIZE);
            total += count;
            level_bounds.push(total);
            if count == 1 {
                break;
            }
        }
        // Sort the items along a Z-order curve of their centres in the total
        // bounds, so that neighbours in space end up in the same nodes.
        let mut ext = EMPTY;
        for b in boxes.iter().filter(|b| is_valid(b)) {
            ext = union(&ext, b);
        }
        let (w, h) = (
            (ext[2] - ext[0]).max(f64::MIN_POSITIVE),
            (ext[3] - ext[1]).max(f64::MIN_POSITIVE),
        );
        let keys: Vec<u32> = boxes
            .iter()
            .map(|b| {
                // NaN casts to 0; out-of-range values saturate.
                let x = (((b[0] + b[2]) / 2.0 - ext[0]) / w * 65535.0) as u32;
                let y = (((b[1] + b[3]) / 2.0 - ext[1]) / h * 65535.0) as u32;
                morton(x.min(65535), y.min(65535))
            })
            .collect();
        let order = radix_order(&keys);
        let mut tree = Self {
            num_items: n,
            boxes: Vec::with_capacity(total),
            indices: Vec::with_capacity(total),
            level_bounds,
        };
        for &i in &order {
            tree.boxes.push(boxes[i as usize]);
            tree.indices.push(i);
        }
        let mut start = 0;
        for l in 0..tree.level_bounds.len() - 1 {
            let end = tree.level_bounds[l];
            let mut pos = start;
            while pos < end {
                let stop = (pos + NODE_SIZE).min(end);
                let b = tree.boxes[pos..stop]
                    .iter()
                    .fold(EMPTY, |acc, b| union(&acc, b));
                tree.boxes.push(b);
                tree.indices.push(pos as u32);
                pos = stop;
            }
            start = end;
        }
        tree
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.num_items
    }

    /// True when the index holds no items.
    pub fn is_empty(&self) -> bool {
        self.num_items == 0
    }

    /// Calls `visit` with every item whose box intersects `query` (edges
    /// touching count), in no particular order.
    pub fn search(&self, query: &[f64; 4], mut visit: impl FnMut(u32)) {
        let Some(mut node) = self.boxes.len().checked_sub(1) else {
            return;
        };
        let mut stack: Vec<usize> = Vec::new();
        loop {
            let level_end = self
                .level_bounds
                .iter()
                .copied()
                .find(|&b| b > node)
                .unwrap_or(self.boxes.len());
            let end = (node + NODE_SIZE).min(level_end);
            for pos in node..end {
                if !intersects(&self.boxes[pos], query) {
                    continue;
                }
                let index = self.indices[pos];
                if node < self.num_items {
                    visit(index);
                } else {
                    stack.push(index as usize);
                }
            }
            match stack.pop() {
                Some(n) => node = n,
                None => break,
            }
        }
    }
}

/// Indices `0..keys.len()` ordered by key (ties by index): a radix sort in
/// four byte passes, linear in n and much smaller in wasm than a generic sort.
fn radix_order(keys: &[u32]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    let mut next = vec![0u32; keys.len()];
    for shift in [0, 8, 16, 24] {
        let mut start = [0usize; 257];
        for &i in &order {
            start[((keys[i as usize] >> shift) & 0xff) as usize + 1] += 1;
        }
        for b in 0..256 {
            start[b + 1] += start[b];
        }
        for &i in &order {
            let b = ((keys[i as usize] >> shift) & 0xff) as usize;
            next[start[b]] = i;
            start[b] += 1;
        }
        std::mem::swap(&mut order, &mut next);
    }
    order
}

/// Interleaves the bits of two 16-bit coordinates (Z-order curve).
fn morton(x: u32, y: u32) -> u32 {
    fn spread(mut v: u32) -> u32 {
        v &= 0xffff;
        v = (v | (v << 8)) & 0x00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333;
        (v | (v << 1)) & 0x5555_5555
    }
    spread(x) | (spread(y) << 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    #[test]
    fn index_finds_what_brute_force_finds() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        // Sizes around node boundaries (1, 16, 17, 256, 257 items) and a big one.
        for n in [0, 1, 2, 15, 16, 17, 255, 256, 257, 5000] {
            let boxes: Vec<[f64; 4]> = (0..n)
                .map(|i| {
                    let (x, y) = (rng.next(), rng.next());
                    // Every third item a point, the rest boxes of varied size.
                    let (w, h) = if i % 3 == 0 {
                        (0.0, 0.0)
                    } else {
                        (rng.range(0.0, 0.05), rng.range(0.0, 0.2))
                    };
                    [x, y, x + w, y + h]
                })
                .collect();
            let index = SpatialIndex::new(&boxes);
            assert_eq!(index.len(), n);
            for _ in 0..300 {
                let (x, y) = (rng.range(-0.1, 1.1), rng.range(-0.1, 1.1));
                let r = rng.range(0.0, 0.1);
                let q = [x - r, y - r, x + r * 2.0, y + r];
                let mut got = Vec::new();
                index.search(&q, |i| got.push(i));
                got.sort_unstable();
                let want: Vec<u32> = (0..n as u32)
                    .filter(|i| intersects(&boxes[*i as usize], &q))
                    .collect();
                assert_eq!(got, want, "n = {n}, query {q:?}");
            }
        }
    }

    #[test]
    fn radix_order_sorts_by_key_and_keeps_ties_in_index_order() {
        let mut rng = Rng(7);
        let keys: Vec<u32> = (0..2000)
            .map(|i| {
                if i % 5 == 0 {
                    42
                } else {
                    (rng.next() * u32::MAX as f64) as u32
                }
            })
            .collect();
        let got = radix_order(&keys);
        let mut want: Vec<u32> = (0..keys.len() as u32).collect();
        want.sort_by_key(|i| keys[*i as usize]);
        assert_eq!(got, want);
        assert!(radix_order(&[]).is_empty());
    }

    #[test]
    fn invalid_boxes_are_never_found_and_do_not_spoil_the_rest() {
        let boxes = [
            [0.0, 0.0, 1.0, 1.0],
            EMPTY,
            [f64::NAN, 0.0, f64::NAN, 1.0],
            [2.0, 2.0, 3.0, 3.0],
        ];
        let index = SpatialIndex::new(&boxes);
        let mut got = Vec::new();
        index.search(&[-10.0, -10.0, 10.0, 10.0], |i| got.push(i));
        got.sort_unstable();
        assert_eq!(got, [0, 3]);
    }
}
