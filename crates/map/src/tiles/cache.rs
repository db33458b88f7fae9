//! The tiles a map holds: what to request, what to show while others
//! load, what to drop.

use super::grid::TileCoord;
use crate::order::{sort, sort_by};

/// How many levels up a missing tile looks for a loaded parent to show.
const PARENT_LEVELS: u8 = 6;

/// How far a cached tile is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TileState {
    /// Requested, not yet arrived.
    Loading,
    /// Arrived at this time (ms); fully opaque once its fade is over.
    Loaded(f64),
    /// The server did not deliver it; not asked again while cached.
    Failed,
}

#[derive(Debug)]
struct Entry<T> {
    handle: T,
    state: TileState,
    used: u64,
    visible: bool,
}

/// The cache's tiles, sorted by coordinate (a few hundred at most: a
/// binary search is as quick as hashing and keeps the player small).
#[derive(Debug)]
struct Entries<T>(Vec<(TileCoord, Entry<T>)>);

impl<T> Entries<T> {
    fn find(&self, tile: &TileCoord) -> Result<usize, usize> {
        self.0.binary_search_by(|(c, _)| c.cmp(tile))
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn get(&self, tile: &TileCoord) -> Option<&Entry<T>> {
        self.find(tile).ok().map(|i| &self.0[i].1)
    }
    fn get_mut(&mut self, tile: &TileCoord) -> Option<&mut Entry<T>> {
        self.find(tile).ok().map(|i| &mut self.0[i].1)
    }
    fn insert(&mut self, tile: TileCoord, entry: Entry<T>) {
        match self.find(&tile) {
            Ok(i) => self.0[i].1 = entry,
            Err(i) => self.0.insert(i, (tile, entry)),
        }
    }
    fn remove(&mut self, tile: &TileCoord) -> Option<Entry<T>> {
        self.find(tile).ok().map(|i| self.0.remove(i).1)
    }
    fn iter(&self) -> impl Iterator<Item = (&TileCoord, &Entry<T>)> {
        self.0.iter().map(|(c, e)| (c, e))
    }
    fn iter_mut(&mut self) -> impl Iterator<Item = (&TileCoord, &mut Entry<T>)> {
        self.0.iter_mut().map(|(c, e)| (&*c, e))
    }
}

/// One tile to show this frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shown {
    /// Which tile.
    pub coord: TileCoord,
    /// True for a parent or child shown in place of a wanted tile that is
    /// not ready yet.
    pub fallback: bool,
}

/// What the shell has to do for one frame.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Tiles to request now (wanted and not in the cache).
    pub request: Vec<TileCoord>,
    /// Tiles to show, coarsest first, each to be placed with [`super::placement`].
    pub show: Vec<Shown>,
    /// Tiles shown before that are not shown now.
    pub hide: Vec<TileCoord>,
}

/// The tiles a map holds (their image elements in the browser), with a
/// bounded, least-recently-used policy: tiles not shown are kept up to
/// `capacity`, so a reader scrolling back sees them at once.
#[derive(Debug)]
pub struct TileCache<T> {
    entries: Entries<T>,
    capacity: usize,
    clock: u64,
}

impl<T> TileCache<T> {
    /// An empty cache that keeps at most `capacity` tiles besides those shown.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Entries(Vec::new()),
            capacity,
            clock: 0,
        }
    }

    /// Number of tiles held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no tile is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The handle of a tile, if held.
    pub fn get(&self, tile: TileCoord) -> Option<&T> {
        self.entries.get(&tile).map(|e| &e.handle)
    }

    /// The state of a tile, if held.
    pub fn state(&self, tile: TileCoord) -> Option<TileState> {
        self.entries.get(&tile).map(|e| e.state)
    }

    /// Adds a tile the last plan requested (state [`TileState::Loading`]);
    /// that plan's `show` already lists it.
    pub fn insert(&mut self, tile: TileCoord, handle: T) {
        self.entries.insert(
            tile,
            Entry {
                handle,
                state: TileState::Loading,
                used: self.clock,
                visible: true,
            },
        );
    }

    /// Records that a tile arrived at `now` (ms).
    pub fn set_loaded(&mut self, tile: TileCoord, now: f64) {
        if let Some(e) = self.entries.get_mut(&tile) {
            e.state = TileState::Loaded(now);
        }
    }

    /// Records that a tile failed; it stays in the cache, so it is not asked for again.
    pub fn set_failed(&mut self, tile: TileCoord) {
        if let Some(e) = self.entries.get_mut(&tile) {
            e.state = TileState::Failed;
        }
    }

    fn ready(&self, tile: TileCoord, now: f64, fade_ms: f64) -> bool {
        matches!(self.state(tile), Some(TileState::Loaded(at)) if now >= at + fade_ms)
    }

    fn loaded(&self, tile: TileCoord) -> bool {
        matches!(self.state(tile), Some(TileState::Loaded(_)))
    }

    /// Plans a frame that wants `wanted` (from [`super::TileGrid::covering`]) at
    /// time `now`: requests what is missing; shows the wanted tiles and, for
    /// each one that is not yet fully faded in, its nearest loaded parent
    /// or else its loaded children, so the map never flashes empty while
    /// tiles load or the zoom level changes.
    pub fn plan(&mut self, wanted: &[TileCoord], now: f64, fade_ms: f64) -> Plan {
        self.clock += 1;
        let mut plan = Plan::default();
        let mut show: Vec<Shown> = Vec::new();
        for &tile in wanted {
            match self.state(tile) {
                Some(TileState::Failed) => {
                    // Kept (as used), so it is not evicted and asked for again.
                    if let Some(e) = self.entries.get_mut(&tile) {
                        e.used = self.clock;
                    }
                }
                state => {
                    if state.is_none() {
                        plan.request.push(tile);
                    }
                    show.push(Shown {
                        coord: tile,
                        fallback: false,
                    });
                }
            }
            if self.ready(tile, now, fade_ms) {
                continue;
            }
            let mut up = tile.parent();
            let mut found = false;
            for _ in 0..PARENT_LEVELS {
                let Some(p) = up else { break };
                if self.loaded(p) {
                    show.push(Shown {
                        coord: p,
                        fallback: true,
                    });
                    found = true;
                    break;
                }
                up = p.parent();
            }
            if !found && tile.z < 30 {
                for c in tile.children() {
                    if self.loaded(c) {
                        show.push(Shown {
                            coord: c,
                            fallback: true,
                        });
                    }
                }
            }
        }
        // Coarse tiles first, so finer ones are drawn over them; a tile
        // shown both as wanted and as fallback counts as wanted.
        sort_by(&mut show, |a, b| {
            (a.coord, a.fallback).cmp(&(b.coord, b.fallback))
        });
        show.dedup_by_key(|s| s.coord);
        sort_by(&mut show, |a, b| a.coord.z.cmp(&b.coord.z));
        for s in &show {
            if let Some(e) = self.entries.get_mut(&s.coord) {
                e.used = self.clock;
            }
        }
        for (coord, e) in self.entries.iter_mut() {
            let now_visible = e.used == self.clock && e.state != TileState::Failed;
            if e.visible && !now_visible {
                plan.hide.push(*coord);
            }
            e.visible = now_visible;
        }
        sort(&mut plan.hide);
        plan.show = show;
        plan
    }

    /// Removes the tiles the last plan did not show that are still loading
    /// (obsolete requests, dropped so that they do not delay the tiles that
    /// matter during a flight) and, beyond `capacity`, the least recently shown
    /// loaded or failed ones. Returns their handles, for the shell to drop.
    pub fn evict(&mut self) -> Vec<(TileCoord, T)> {
        let clock = self.clock;
        let mut out: Vec<TileCoord> = self
            .entries
            .iter()
            .filter(|(_, e)| e.state == TileState::Loading && e.used < clock)
            .map(|(c, _)| *c)
            .collect();
        let mut idle: Vec<(u64, TileCoord)> = self
            .entries
            .iter()
            .filter(|(_, e)| e.state != TileState::Loading && e.used < clock)
            .map(|(c, e)| (e.used, *c))
            .collect();
        if idle.len() > self.capacity {
            sort(&mut idle);
            let extra = idle.len() - self.capacity;
            out.extend(idle[..extra].iter().map(|(_, c)| *c));
        }
        out.into_iter()
            .filter_map(|c| self.entries.remove(&c).map(|e| (c, e.handle)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(z: u8, x: i64, y: u32) -> TileCoord {
        TileCoord { z, x, y }
    }

    #[test]
    fn parents_stay_until_their_children_have_faded_in() {
        let mut cache: TileCache<u32> = TileCache::new(10);
        let parent = c(3, 4, 2);
        let kids = parent.children();
        // The parent level was shown and loaded.
        let p = cache.plan(&[parent], 0.0, 200.0);
        assert_eq!(p.request, vec![parent]);
        cache.insert(parent, 0);
        cache.set_loaded(parent, 10.0);
        // Zoom in: the children are requested and the parent stands in.
        let p = cache.plan(&kids, 500.0, 200.0);
        assert_eq!(p.request, kids.to_vec());
        assert_eq!(p.show.len(), 5);
        assert_eq!(
            p.show[0],
            Shown {
                coord: parent,
                fallback: true
            }
        );
        for (i, k) in kids.iter().enumerate() {
            cache.insert(*k, i as u32 + 1);
        }
        cache.set_loaded(kids[0], 600.0);
        let p = cache.plan(&kids, 700.0, 200.0);
        assert_eq!(p.show.len(), 5, "{:?}", p.show);
        assert_eq!(p.show[0].coord, parent);
        assert!(p.request.is_empty());
        // All children arrive; once faded in, the parent goes.
        for k in &kids {
            cache.set_loaded(*k, 800.0);
        }
        let p = cache.plan(&kids, 900.0, 200.0);
        assert!(p.show.iter().any(|s| s.coord == parent));
        let p = cache.plan(&kids, 1000.0, 200.0);
        assert_eq!(p.show.len(), 4);
        assert_eq!(p.hide, vec![parent]);
        // Zoom out again: the parent is cached, shown at once, no request.
        let p = cache.plan(&[parent], 1100.0, 200.0);
        assert!(p.request.is_empty());
        assert_eq!(
            p.show,
            vec![Shown {
                coord: parent,
                fallback: false
            }]
        );
    }

    #[test]
    fn zooming_out_shows_loaded_children_until_the_parent_arrives() {
        let mut cache: TileCache<()> = TileCache::new(10);
        let parent = c(4, 0, 0);
        let kid = parent.children()[3];
        cache.insert(kid, ());
        cache.set_loaded(kid, 0.0);
        cache.plan(&[kid], 100.0, 0.0);
        let p = cache.plan(&[parent], 200.0, 0.0);
        assert_eq!(p.request, vec![parent]);
        assert_eq!(
            p.show,
            vec![
                Shown {
                    coord: parent,
                    fallback: false
                },
                Shown {
                    coord: kid,
                    fallback: true
                }
            ]
        );
    }

    #[test]
    fn failed_tiles_are_not_requested_again_and_fall_back() {
        let mut cache: TileCache<()> = TileCache::new(10);
        let parent = c(2, 1, 1);
        cache.insert(parent, ());
        cache.set_loaded(parent, 0.0);
        let tile = parent.children()[0];
        cache.insert(tile, ());
        cache.set_failed(tile);
        for i in 0..3 {
            let p = cache.plan(&[tile], 100.0 * i as f64, 0.0);
            assert!(p.request.is_empty());
            assert_eq!(
                p.show,
                vec![Shown {
                    coord: parent,
                    fallback: true
                }]
            );
        }
    }

    #[test]
    fn the_cache_is_bounded_and_drops_obsolete_requests() {
        let mut cache: TileCache<u32> = TileCache::new(3);
        for x in 0..6 {
            let t = c(5, x, 0);
            cache.plan(&[t], x as f64, 0.0);
            cache.insert(t, x as u32);
            cache.set_loaded(t, x as f64);
            assert!(cache.evict().is_empty() || x >= 4);
        }
        // A request that was overtaken before it arrived is dropped.
        let slow = c(5, 9, 9);
        cache.plan(&[slow], 10.0, 0.0);
        cache.insert(slow, 99);
        let p = cache.plan(&[c(5, 5, 0)], 11.0, 0.0);
        assert_eq!(p.hide, vec![slow]);
        let evicted = cache.evict();
        assert!(
            evicted.iter().any(|(t, h)| *t == slow && *h == 99),
            "{evicted:?}"
        );
        // Shown tiles are never evicted; at most `capacity` idle ones stay.
        assert!(cache.get(c(5, 5, 0)).is_some());
        assert_eq!(cache.len(), 4);
        // The least recently shown went first.
        assert!(cache.get(c(5, 0, 0)).is_none());
        assert!(cache.get(c(5, 4, 0)).is_some());
    }
}
