//! sort: one compiled stable sort for the app's lists.
//!
//! `slice::sort_by` is compiled anew for every element type and comparison closure, some
//! 3–4 kB of wasm each. [`sort_by`] sorts the positions `0..n` with one shared, non-generic
//! sort, then moves the items into that order: the same stable result as `slice::sort_by`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// As `slice::sort_by`: stable, `cmp` decides.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// As `slice::sort`: stable, by `Ord`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a.cmp(b));
}

/// As `collect::<BTreeSet<T>>()`. Collecting into a B-tree sorts the items first with the
/// standard stable sort, one more copy of it per item type; inserting them one by one
/// gives the same set.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// As `collect::<BTreeMap<K, V>>()` (see [`set_of`]); of equal keys the last value stays.
pub fn map_of<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(items);
    map
}

/// As `slice::sort_by_key`: stable, by `key`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// The one instantiation of the standard library's stable sort.
#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Rearranges `v` so that the item at position `i` is the one that was at `order[i]`,
/// following each cycle of the permutation with swaps.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            v.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test needs no crate.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % modulo
            })
            .collect()
    }

    #[test]
    fn same_order_as_the_standard_stable_sort() {
        for (seed, n, modulo) in [(1, 0, 3), (2, 1, 3), (3, 2, 2), (4, 50, 5), (5, 1000, 17)] {
            // Pairs (key, original position): equal keys must keep their order.
            let items: Vec<(u64, usize)> = numbers(seed, n, modulo)
                .into_iter()
                .enumerate()
                .map(|(i, k)| (k, i))
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|a| a.0);
            let mut got = items.clone();
            sort_by(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, expected, "seed {seed}");

            let mut expected = items.clone();
            expected.sort_by_key(|p| std::cmp::Reverse(p.0));
            let mut got = items;
            sort_by_key(&mut got, |p| std::cmp::Reverse(p.0));
            assert_eq!(got, expected, "seed {seed}, reversed");
        }
    }

    #[test]
    fn moves_owned_items_without_copying() {
        let mut v: Vec<String> = ["pear", "apple", "fig", "apple"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort_by(&mut v, |a, b| a.cmp(b));
        assert_eq!(v, ["apple", "apple", "fig", "pear"]);
    }
}
