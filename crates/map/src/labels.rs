//! Label placement: which feature labels to show this frame, and where.
//!
//! Greedy, as web maps place symbols: labels are taken by priority (larger
//! first, ties by key), and each tries a few positions around its
//! anchor — right, left, above, below, then the diagonals — and takes the
//! first one that stays inside the free part of the map, overlaps no label
//! placed before it and covers no other feature's point symbol. A label
//! with no free position is not shown. A uniform grid holds the placed boxes
//! and the symbols, so each test looks only at its neighbours (no O(n²)).
//!
//! Stability during flights: [`LabelPlacer`] remembers the last frame's
//! placements. A label shown then tries its old position first, and a
//! label hidden then must clear its neighbours by [`LabelPlacer::hysteresis`]
//! pixels more to appear, so labels do not flicker at the edge of fitting.
//! While the map moves ([`LabelPlacer::keep_shown`]), labels shown in the
//! last frame go before all others, so they only vanish when they must.
//!
//! Everything is in CSS px with y downwards; nothing here knows about text:
//! the caller measures the text and passes its size.

/// An axis-aligned box in CSS px: `[x0, y0, x1, y1]`, `x0 <= x1`, `y0 <= y1`.
pub type LabelBox = [f64; 4];

/// Where a label sits relative to its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelPosition {
    /// Right of the symbol, vertically centred (the first choice for points).
    Right,
    /// Left of the symbol.
    Left,
    /// Above the symbol, centred.
    Above,
    /// Below the symbol, centred.
    Below,
    /// Above right.
    AboveRight,
    /// Above left.
    AboveLeft,
    /// Below right.
    BelowRight,
    /// Below left.
    BelowLeft,
    /// Centred on the anchor (areas and lines, which have no symbol to avoid).
    Center,
}

/// Every position, indexed by its number (`position as usize`).
const ALL_POSITIONS: [LabelPosition; 9] = [
    LabelPosition::Right,
    LabelPosition::Left,
    LabelPosition::Above,
    LabelPosition::Below,
    LabelPosition::AboveRight,
    LabelPosition::AboveLeft,
    LabelPosition::BelowRight,
    LabelPosition::BelowLeft,
    LabelPosition::Center,
];

/// The positions a point label tries, in order.
const POINT_POSITIONS: [LabelPosition; 8] = [
    LabelPosition::Right,
    LabelPosition::Left,
    LabelPosition::Above,
    LabelPosition::Below,
    LabelPosition::AboveRight,
    LabelPosition::AboveLeft,
    LabelPosition::BelowRight,
    LabelPosition::BelowLeft,
];

/// One label that wants a place.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelRequest {
    /// A key that stays the same between frames, so the placer recognises
    /// the label in the next frame: the high 32 bits a group (a layer), the
    /// low 32 an item (a feature). Both index the placer's memory, so keep
    /// them small. Among equal priorities, smaller keys are placed first.
    pub key: u64,
    /// The feature's anchor in CSS px (the point, or a point inside an area).
    pub anchor: [f64; 2],
    /// Width and height of the text box in CSS px.
    pub size: [f64; 2],
    /// Radius of the point symbol drawn at the anchor in CSS px; 0 for
    /// areas and lines, whose labels are centred on the anchor.
    pub symbol_radius: f64,
    /// Larger is placed first.
    pub priority: f64,
}

/// A label that found a place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    /// Index of the request in the slice given to [`LabelPlacer::place`].
    pub request: usize,
    /// Where its text box is (CSS px).
    pub rect: LabelBox,
    /// Which position it took.
    pub position: LabelPosition,
}

/// Places labels frame after frame, remembering the last frame's choices.
#[derive(Debug, Clone)]
pub struct LabelPlacer {
    /// Gap between a symbol's edge and its label, in CSS px.
    pub gap: f64,
    /// Space kept free between two labels, in CSS px.
    pub spacing: f64,
    /// Extra clearance a label hidden in the last frame needs to appear.
    pub hysteresis: f64,
    /// While the map moves: labels shown in the last frame are placed
    /// before all others, so a label only goes when it must (it collides
    /// with another shown one or leaves the area) and new ones fill free
    /// room. At rest (`false`) priorities alone decide, so a step's labels
    /// do not depend on the way the reader came.
    pub keep_shown: bool,
    /// Per group and item: the position shown in the last frame, `HIDDEN + n`
    /// for a label that had to go, `NONE` else (plain vectors keep the
    /// player small: no hash map, no sort).
    last: Vec<Vec<u8>>,
    /// The keys whose memory is not `NONE`, to age them in the next frame.
    set: Vec<u64>,
}

impl Default for LabelPlacer {
    fn default() -> Self {
        Self {
            gap: 3.0,
            spacing: 2.0,
            hysteresis: 4.0,
            keep_shown: false,
            last: Vec::new(),
            set: Vec::new(),
        }
    }
}

/// No position in the last frame.
const NONE: u8 = u8::MAX;
/// Memory value of a label hidden in the last frame after being shown;
/// `HIDDEN + n`: hidden `n + 1` frames ago.
const HIDDEN: u8 = 16;
/// While the map moves, a label that had to go stays hidden this many
/// frames (about 150 ms) before it may come back.
const MIN_HIDDEN_FRAMES: u8 = 10;

/// The memory cell of `key`, grown on demand when `grow`.
fn entry(last: &mut Vec<Vec<u8>>, key: u64, grow: bool) -> Option<&mut u8> {
    let (g, i) = ((key >> 32) as usize, key as u32 as usize);
    if grow {
        if last.len() <= g {
            last.resize(g + 1, Vec::new());
        }
        if last[g].len() <= i {
            last[g].resize(i + 1, NONE);
        }
    }
    last.get_mut(g)?.get_mut(i)
}

/// Grid cell size in CSS px: about one short label.
const CELL: f64 = 64.0;

/// What the grid holds: boxes, each owned by a request (symbols) or by a
/// placed label.
struct Grid {
    origin: [f64; 2],
    cols: usize,
    rows: usize,
    cells: Vec<Vec<u32>>,
    boxes: Vec<(LabelBox, usize)>,
}

impl Grid {
    fn new(area: LabelBox) -> Self {
        // Symbols just outside the area still keep labels off them.
        let margin = CELL;
        let origin = [area[0] - margin, area[1] - margin];
        let cols = (((area[2] - area[0] + 2.0 * margin) / CELL).ceil() as usize).clamp(1, 4096);
        let rows = (((area[3] - area[1] + 2.0 * margin) / CELL).ceil() as usize).clamp(1, 4096);
        Self {
            origin,
            cols,
            rows,
            cells: vec![Vec::new(); cols * rows],
            boxes: Vec::new(),
        }
    }

    /// The cell range a box touches, clamped to the grid.
    fn cells_of(&self, b: &LabelBox) -> (usize, usize, usize, usize) {
        let cell =
            |v: f64, o: f64, n: usize| (((v - o) / CELL).floor().max(0.0) as usize).min(n - 1);
        (
            cell(b[0], self.origin[0], self.cols),
            cell(b[1], self.origin[1], self.rows),
            cell(b[2], self.origin[0], self.cols),
            cell(b[3], self.origin[1], self.rows),
        )
    }

    fn insert(&mut self, b: LabelBox, owner: usize) {
        let id = self.boxes.len() as u32;
        self.boxes.push((b, owner));
        let (c0, r0, c1, r1) = self.cells_of(&b);
        for r in r0..=r1 {
            for c in c0..=c1 {
                self.cells[r * self.cols + c].push(id);
            }
        }
    }

    /// Whether `b` overlaps a box not owned by `owner`.
    fn collides(&self, b: &LabelBox, owner: usize) -> bool {
        let (c0, r0, c1, r1) = self.cells_of(b);
        for r in r0..=r1 {
            for c in c0..=c1 {
                for &id in &self.cells[r * self.cols + c] {
                    let (o, who) = &self.boxes[id as usize];
                    if *who != owner && overlaps(b, o) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// Whether two boxes share more than an edge.
pub fn overlaps(a: &LabelBox, b: &LabelBox) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The box of a label of `size` at `position` around a symbol of radius
/// `r` at `anchor`, `gap` away from the symbol's edge.
///
/// # Examples
/// ```
/// use twinstory_map::labels::{label_box, LabelPosition};
/// let b = label_box([100.0, 50.0], [40.0, 10.0], 4.0, 2.0, LabelPosition::Right);
/// assert_eq!(b, [106.0, 45.0, 146.0, 55.0]);
/// let c = label_box([100.0, 50.0], [40.0, 10.0], 0.0, 2.0, LabelPosition::Center);
/// assert_eq!(c, [80.0, 45.0, 120.0, 55.0]);
/// ```
pub fn label_box(
    anchor: [f64; 2],
    size: [f64; 2],
    r: f64,
    gap: f64,
    position: LabelPosition,
) -> LabelBox {
    let [ax, ay] = anchor;
    let [w, h] = size;
    let d = r + gap;
    // Diagonals touch the circle at 45°, not the corner of its square.
    let e = d * std::f64::consts::FRAC_1_SQRT_2;
    let (x0, y0) = match position {
        LabelPosition::Right => (ax + d, ay - h / 2.0),
        LabelPosition::Left => (ax - d - w, ay - h / 2.0),
        LabelPosition::Above => (ax - w / 2.0, ay - d - h),
        LabelPosition::Below => (ax - w / 2.0, ay + d),
        LabelPosition::AboveRight => (ax + e, ay - e - h),
        LabelPosition::AboveLeft => (ax - e - w, ay - e - h),
        LabelPosition::BelowRight => (ax + e, ay + e),
        LabelPosition::BelowLeft => (ax - e - w, ay + e),
        LabelPosition::Center => (ax - w / 2.0, ay - h / 2.0),
    };
    [x0, y0, x0 + w, y0 + h]
}

fn grow(b: &LabelBox, by: f64) -> LabelBox {
    [b[0] - by, b[1] - by, b[2] + by, b[3] + by]
}

fn inside(b: &LabelBox, area: &LabelBox) -> bool {
    b[0] >= area[0] && b[1] >= area[1] && b[2] <= area[2] && b[3] <= area[3]
}

impl LabelPlacer {
    /// Chooses places for `requests` inside `area` (the part of the map not
    /// covered by the text column, CSS px) and remembers them for the next
    /// call. Returns the placed labels in placement order (highest
    /// priority first). The same requests and the same previous frame give
    /// the same answer.
    ///
    /// Labels never overlap each other (nor come closer than `spacing`),
    /// never cover another request's symbol or one of the `obstacles`
    /// (say, a legend over the map), and never leave `area`.
    pub fn place(
        &mut self,
        requests: &[LabelRequest],
        area: LabelBox,
        obstacles: &[LabelBox],
    ) -> Vec<PlacedLabel> {
        let mut grid = Grid::new(area);
        for o in obstacles {
            grid.insert(*o, usize::MAX / 2);
        }
        for (i, r) in requests.iter().enumerate() {
            if r.symbol_radius > 0.0 {
                let [x, y] = r.anchor;
                let s = r.symbol_radius;
                grid.insert([x - s, y - s, x + s, y + s], i);
            }
        }
        let memory: Vec<u8> = requests
            .iter()
            .map(|r| {
                self.last
                    .get((r.key >> 32) as usize)
                    .and_then(|g| g.get(r.key as u32 as usize))
                    .copied()
                    .unwrap_or(NONE)
            })
            .collect();
        let previous: Vec<Option<LabelPosition>> = memory
            .iter()
            .map(|p| ALL_POSITIONS.get(*p as usize).copied())
            .collect();
        let sticky = |i: usize| self.keep_shown && previous[i].is_some();
        let mut order: Vec<usize> = (0..requests.len()).collect();
        crate::order::sort_by(&mut order, |&a, &b| {
            let (ra, rb) = (&requests[a], &requests[b]);
            sticky(b)
                .cmp(&sticky(a))
                .then(rb.priority.total_cmp(&ra.priority))
                .then(ra.key.cmp(&rb.key))
                .then(a.cmp(&b))
        });
        let mut placed = Vec::new();
        let mut now = Vec::with_capacity(self.set.len().max(16));
        for i in order {
            let r = &requests[i];
            let placeable =
                r.size[0] > 0.0 && r.size[1] > 0.0 && r.anchor.iter().all(|v| v.is_finite());
            if !placeable {
                continue;
            }
            // While moving, a label that just had to go stays away a few
            // frames: no blinking on and off.
            let just_hidden = memory[i] >= HIDDEN && memory[i] != NONE;
            if self.keep_shown && just_hidden {
                continue;
            }
            let previous = previous[i];
            // A label that was hidden needs a little more room to appear.
            let clearance = self.spacing / 2.0
                + if previous.is_some() {
                    0.0
                } else {
                    self.hysteresis
                };
            let candidates: &[LabelPosition] = if r.symbol_radius > 0.0 {
                &POINT_POSITIONS
            } else {
                &[LabelPosition::Center]
            };
            let tries = previous
                .into_iter()
                .chain(candidates.iter().copied().filter(|p| Some(*p) != previous));
            for position in tries {
                let b = label_box(r.anchor, r.size, r.symbol_radius, self.gap, position);
                if !inside(&b, &area) || grid.collides(&grow(&b, clearance), i) {
                    continue;
                }
                // Stored with half the spacing; tests add the other half.
                grid.insert(grow(&b, self.spacing / 2.0), usize::MAX - i);
                now.push((r.key, position));
                placed.push(PlacedLabel {
                    request: i,
                    rect: b,
                    position,
                });
                break;
            }
        }
        // Age the memory: shown labels not placed now become "just
        // hidden", which lasts `MIN_HIDDEN_FRAMES` frames.
        let mut next_set = Vec::with_capacity(now.len() + self.set.len());
        for key in std::mem::take(&mut self.set) {
            if let Some(p) = entry(&mut self.last, key, false) {
                *p = match *p {
                    v if v < HIDDEN => HIDDEN,
                    v if (HIDDEN..HIDDEN + MIN_HIDDEN_FRAMES - 1).contains(&v) => v + 1,
                    _ => NONE,
                };
                if *p != NONE {
                    next_set.push(key);
                }
            }
        }
        for (key, position) in now {
            if let Some(p) = entry(&mut self.last, key, true) {
                if *p == NONE {
                    next_set.push(key);
                }
                *p = position as u8;
            }
        }
        self.set = next_set;
        placed
    }

    /// Forgets the last frame (e.g. after a jump to a far away step).
    pub fn reset(&mut self) {
        self.last.clear();
        self.set.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so property tests need no crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn random_requests(rng: &mut Rng, n: usize, w: f64, h: f64) -> Vec<LabelRequest> {
        (0..n)
            .map(|i| LabelRequest {
                key: i as u64,
                anchor: [rng.next() * w, rng.next() * h],
                size: [20.0 + rng.next() * 100.0, 14.0],
                symbol_radius: if rng.next() < 0.8 {
                    2.0 + rng.next() * 6.0
                } else {
                    0.0
                },
                priority: (rng.next() * 5.0).floor(),
            })
            .collect()
    }

    fn check(requests: &[LabelRequest], placed: &[PlacedLabel], area: LabelBox) {
        for (n, a) in placed.iter().enumerate() {
            assert!(inside(&a.rect, &area), "{a:?} leaves the area");
            for b in &placed[n + 1..] {
                assert!(!overlaps(&a.rect, &b.rect), "{a:?} overlaps {b:?}");
            }
            for (i, r) in requests.iter().enumerate() {
                if i == a.request || r.symbol_radius <= 0.0 {
                    continue;
                }
                let s = r.symbol_radius;
                let [x, y] = r.anchor;
                assert!(
                    !overlaps(&a.rect, &[x - s, y - s, x + s, y + s]),
                    "{a:?} covers the symbol of {i}"
                );
            }
        }
    }

    use std::collections::HashMap;

    #[test]
    fn every_position_has_its_number() {
        for (i, p) in ALL_POSITIONS.iter().enumerate() {
            assert_eq!(*p as usize, i);
        }
    }

    #[test]
    fn placed_labels_never_overlap_labels_symbols_or_the_edge() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..60 {
            let n = 1 + round * 7;
            let (w, h) = (400.0 + rng.next() * 900.0, 300.0 + rng.next() * 600.0);
            let requests = random_requests(&mut rng, n, w, h);
            let area = [40.0, 10.0, w - 10.0, h - 10.0];
            let mut placer = LabelPlacer::default();
            let placed = placer.place(&requests, area, &[]);
            check(&requests, &placed, area);
            // And in a following frame, with the memory of the first.
            let again = placer.place(&requests, area, &[]);
            check(&requests, &again, area);
        }
    }

    #[test]
    fn a_lone_point_gets_its_label_on_the_right() {
        let r = LabelRequest {
            key: 1,
            anchor: [100.0, 100.0],
            size: [50.0, 14.0],
            symbol_radius: 4.0,
            priority: 0.0,
        };
        let placed = LabelPlacer::default().place(&[r], [0.0, 0.0, 400.0, 400.0], &[]);
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].position, LabelPosition::Right);
        // Near the right edge it moves to the left.
        let r = LabelRequest {
            anchor: [380.0, 100.0],
            ..placed_request()
        };
        let placed = LabelPlacer::default().place(&[r], [0.0, 0.0, 400.0, 400.0], &[]);
        assert_eq!(placed[0].position, LabelPosition::Left);
    }

    fn placed_request() -> LabelRequest {
        LabelRequest {
            key: 1,
            anchor: [0.0, 0.0],
            size: [50.0, 14.0],
            symbol_radius: 4.0,
            priority: 0.0,
        }
    }

    #[test]
    fn higher_priority_wins_a_contested_place_and_ties_go_by_order() {
        // Two points in a narrow strip: either label fits alone, not both.
        let area = [0.0, 0.0, 200.0, 20.0];
        let a = LabelRequest {
            key: 1,
            anchor: [50.0, 10.0],
            size: [80.0, 14.0],
            symbol_radius: 3.0,
            priority: 1.0,
        };
        let b = LabelRequest {
            key: 2,
            anchor: [150.0, 10.0],
            priority: 5.0,
            ..a.clone()
        };
        let placed = LabelPlacer::default().place(&[a.clone(), b.clone()], area, &[]);
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].request, 1, "the larger priority is placed");
        let b_same = LabelRequest { priority: 1.0, ..b };
        let placed = LabelPlacer::default().place(&[a, b_same], area, &[]);
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].request, 0, "equal priorities: the first wins");
    }

    #[test]
    fn placement_is_deterministic() {
        let mut rng = Rng(42);
        let requests = random_requests(&mut rng, 2000, 1280.0, 800.0);
        let area = [0.0, 0.0, 1280.0, 800.0];
        let a = LabelPlacer::default().place(&requests, area, &[]);
        let b = LabelPlacer::default().place(&requests, area, &[]);
        assert_eq!(a, b);
        assert!(
            a.len() > 50,
            "a crowded map still shows labels: {}",
            a.len()
        );
    }

    #[test]
    fn labels_keep_their_places_while_the_map_moves_a_little() {
        let mut rng = Rng(7);
        let area = [0.0, 0.0, 1000.0, 700.0];
        let mut requests = random_requests(&mut rng, 300, 1000.0, 700.0);
        let mut placer = LabelPlacer::default();
        let first = placer.place(&requests, area, &[]);
        let shown = |p: &[PlacedLabel], reqs: &[LabelRequest]| -> HashMap<u64, LabelPosition> {
            p.iter()
                .map(|l| (reqs[l.request].key, l.position))
                .collect()
        };
        let before = shown(&first, &requests);
        // A slow pan with a slight zoom: 20 frames of small moves.
        for _ in 0..20 {
            for r in &mut requests {
                r.anchor = [r.anchor[0] * 1.002 + 0.5, r.anchor[1] * 1.002 + 0.3];
            }
            placer.place(&requests, [-1000.0, -1000.0, 3000.0, 3000.0], &[]);
        }
        let moved = placer.place(&requests, [-1000.0, -1000.0, 3000.0, 3000.0], &[]);
        let after = shown(&moved, &requests);
        let kept = before
            .iter()
            .filter(|(k, p)| after.get(k) == Some(p))
            .count();
        assert!(
            kept * 100 >= before.len() * 95,
            "{kept} of {} labels kept their place",
            before.len()
        );
        // Without memory the same frame would re-shuffle more of them.
        let fresh =
            LabelPlacer::default().place(&requests, [-1000.0, -1000.0, 3000.0, 3000.0], &[]);
        let fresh = shown(&fresh, &requests);
        let kept_fresh = before
            .iter()
            .filter(|(k, p)| fresh.get(k) == Some(p))
            .count();
        assert!(kept >= kept_fresh, "{kept} vs {kept_fresh}");
    }

    #[test]
    fn while_moving_shown_labels_keep_their_place_against_higher_priorities() {
        // The narrow strip of the priority test: either label fits alone.
        let area = [0.0, 0.0, 200.0, 20.0];
        let low = LabelRequest {
            key: 1,
            anchor: [50.0, 10.0],
            size: [80.0, 14.0],
            symbol_radius: 3.0,
            priority: 1.0,
        };
        let high = LabelRequest {
            key: 2,
            anchor: [150.0, 10.0],
            priority: 5.0,
            ..low.clone()
        };
        let mut placer = LabelPlacer {
            keep_shown: true,
            ..LabelPlacer::default()
        };
        // Only the low one is on screen at first.
        assert_eq!(placer.place(std::slice::from_ref(&low), area, &[]).len(), 1);
        let moving = placer.place(&[low.clone(), high.clone()], area, &[]);
        assert_eq!(moving.len(), 1);
        assert_eq!(moving[0].request, 0, "the shown label stays while moving");
        // A shown label that must go stays away a few frames while moving.
        let blocked = LabelRequest {
            key: 3,
            anchor: [50.0, 10.0],
            priority: 0.0,
            ..low.clone()
        };
        let mut p2 = LabelPlacer {
            keep_shown: true,
            ..LabelPlacer::default()
        };
        assert_eq!(
            p2.place(std::slice::from_ref(&high), area, &[])[0].request,
            0
        );
        // `blocked` pushes `high` off: `high` is only placed after the sticky one.
        let _ = p2.place(std::slice::from_ref(&blocked), area, &[]);
        for frame in 0..MIN_HIDDEN_FRAMES {
            let placed = p2.place(std::slice::from_ref(&high), area, &[]);
            assert!(placed.is_empty(), "frame {frame}: still away");
        }
        assert_eq!(
            p2.place(std::slice::from_ref(&high), area, &[]).len(),
            1,
            "back"
        );
        // At rest the priority decides.
        placer.keep_shown = false;
        let rest = placer.place(&[low, high], area, &[]);
        assert_eq!(rest[0].request, 1);
    }

    #[test]
    fn a_hidden_label_needs_extra_room_to_appear() {
        let area = [0.0, 0.0, 400.0, 100.0];
        let wall = LabelRequest {
            key: 1,
            anchor: [100.0, 50.0],
            size: [60.0, 14.0],
            symbol_radius: 0.0,
            priority: 10.0,
        };
        // Just clear of the wall's label, but within the hysteresis margin.
        let near = |x: f64| LabelRequest {
            key: 2,
            anchor: [x, 50.0],
            size: [60.0, 14.0],
            symbol_radius: 0.0,
            priority: 0.0,
        };
        let mut placer = LabelPlacer::default();
        assert_eq!(
            placer.place(&[wall.clone(), near(163.0)], area, &[]).len(),
            1
        );
        assert_eq!(
            placer.place(&[wall.clone(), near(200.0)], area, &[]).len(),
            2
        );
        // Once shown, it stays at the distance where it would not have appeared.
        assert_eq!(
            placer.place(&[wall.clone(), near(163.0)], area, &[]).len(),
            2
        );
        assert_eq!(placer.place(&[wall, near(150.0)], area, &[]).len(), 1);
    }

    #[test]
    fn labels_stay_out_of_the_text_column_and_obstacles_and_skip_empty_sizes() {
        let area = [300.0, 0.0, 800.0, 600.0];
        let mut r = placed_request();
        r.anchor = [320.0, 300.0];
        let placed = LabelPlacer::default().place(&[r.clone()], area, &[]);
        assert_eq!(placed[0].position, LabelPosition::Right);
        r.anchor = [200.0, 300.0];
        assert!(LabelPlacer::default()
            .place(&[r.clone()], area, &[])
            .is_empty());
        // A legend in the way: the label goes to the other side.
        r.anchor = [420.0, 300.0];
        let legend = [430.0, 290.0, 500.0, 310.0];
        assert_eq!(
            LabelPlacer::default().place(&[r.clone()], area, &[legend])[0].position,
            LabelPosition::Left
        );
        r.anchor = [400.0, 300.0];
        r.size = [0.0, 14.0];
        assert!(LabelPlacer::default().place(&[r], area, &[]).is_empty());
    }
}
