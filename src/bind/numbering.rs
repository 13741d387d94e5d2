//! Print numbers for the paper gamebook: every section gets a number from 1 to n, the
//! start section is 1, and the others are shuffled by a seed so that turning to a choice
//! seldom lands a few numbers from where the reader stands (which would give the next
//! section away at a glance). Same sections, same choices, same seed: same numbers.
//!
//! Pure: sections and choices in, numbers out. The PDF view prints them and the view log
//! maps each back to its file.

use std::collections::HashMap;

use super::book::Book;

/// SplitMix64 (Steele, Lea and Flood): a small, fast generator whose whole state is one
/// word, so a seed gives the same sequence on every machine.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started at `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0), by the high half of a 128-bit product.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// How close two numbers joined by a choice may not be, for a book of `n` sections: a
/// choice should lead more than this many numbers away. Five for any book of 31 sections
/// or more, less for a smaller one (where five cannot always be kept).
pub fn near_for(n: usize) -> u32 {
    (n.saturating_sub(1) / 6).min(5) as u32
}

/// How many passes the repair makes over the sections still too near a neighbour, and
/// how many swap partners it tries for each.
const ROUNDS: usize = 200;
const TRIES: usize = 64;

/// Books up to this many sections try every partner for a swap.
const ALL_PARTNERS: usize = 1_500;

/// The print number of every section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Numbering {
    /// The number of each section, by its position in the input.
    numbers: Vec<u32>,
    /// The position of each number's section (`by_number[k - 1]`).
    by_number: Vec<usize>,
}

impl Numbering {
    /// Numbers `n` sections joined by `edges` (pairs of positions, from a choice's
    /// section to its target), keeping `start` as 1: a seeded shuffle, then a repair that
    /// swaps numbers while a swap brings fewer choices within [`near_for`] of their
    /// source. Positions out of range in `edges` are ignored.
    pub fn new(n: usize, start: usize, edges: &[(usize, usize)], seed: u64) -> Numbering {
        if n == 0 {
            return Numbering {
                numbers: Vec::new(),
                by_number: Vec::new(),
            };
        }
        let start = if start < n { start } else { 0 };
        let mut rng = SplitMix64::new(seed);
        // The others in input order, shuffled (Fisher–Yates), take 2..=n.
        let mut order: Vec<usize> = (0..n).filter(|&i| i != start).collect();
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        let mut numbers = vec![1u32; n];
        for (k, &i) in order.iter().enumerate() {
            numbers[i] = k as u32 + 2;
        }
        let adj = neighbours(n, edges);
        let near = near_for(n);
        if near > 0 && n > 2 {
            repair(&mut numbers, &adj, start, near, &mut rng);
        }
        let mut by_number = vec![0usize; n];
        for (i, &k) in numbers.iter().enumerate() {
            by_number[k as usize - 1] = i;
        }
        Numbering { numbers, by_number }
    }

    /// Numbers a book's sections (positions in [`Book::sections`]), its start as 1.
    pub fn for_book(book: &Book, seed: u64) -> Numbering {
        let n = book.sections.len();
        let at: HashMap<&str, usize> = book
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.story.id.as_str(), i))
            .collect();
        let edges = edges_of(book, &at);
        let start = at.get(book.start.as_str()).copied().unwrap_or(0);
        Numbering::new(n, start, &edges, seed)
    }

    /// The number of the section at `position`.
    pub fn of(&self, position: usize) -> Option<u32> {
        self.numbers.get(position).copied()
    }

    /// The position of the section numbered `number`.
    pub fn section(&self, number: u32) -> Option<usize> {
        let k = usize::try_from(number).ok()?.checked_sub(1)?;
        self.by_number.get(k).copied()
    }

    /// How many sections are numbered.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// Whether no section is numbered.
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    /// Positions in number order: the section numbered 1 first.
    pub fn in_order(&self) -> &[usize] {
        &self.by_number
    }

    /// The choices (of `edges`, self-loops aside) that lead within `near` numbers of
    /// their source.
    pub fn too_near(&self, edges: &[(usize, usize)], near: u32) -> usize {
        edges
            .iter()
            .filter(|&&(a, b)| a != b)
            .filter(|&&(a, b)| match (self.of(a), self.of(b)) {
                (Some(x), Some(y)) => x.abs_diff(y) <= near,
                _ => false,
            })
            .count()
    }
}

/// The choices of a book as (source, target) positions.
pub fn edges_of(book: &Book, at: &HashMap<&str, usize>) -> Vec<(usize, usize)> {
    book.sections
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.story
                .choices
                .iter()
                .filter_map(move |c| at.get(c.to.as_str()).map(|&t| (i, t)))
        })
        .collect()
}

/// Each position's neighbours, both ways, once each, without self-loops.
fn neighbours(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        if a != b && a < n && b < n {
            adj[a].push(b);
            adj[b].push(a);
        }
    }
    for list in &mut adj {
        list.sort_unstable();
        list.dedup();
    }
    adj
}

/// How many of `v`'s neighbours are within `near` of its number.
fn cost(v: usize, numbers: &[u32], adj: &[Vec<usize>], near: u32) -> usize {
    adj[v]
        .iter()
        .filter(|&&w| numbers[v].abs_diff(numbers[w]) <= near)
        .count()
}

/// Swaps numbers between a section too near a neighbour and the partner that lowers
/// the pair's count of near neighbours most (every other section in a book of up to
/// [`ALL_PARTNERS`], [`TRIES`] random ones in a larger book; the start keeps 1). A pass
/// that lowers nothing lets the next take swaps that keep the count, and after two such
/// passes one crowded section is moved at random, to walk off a plateau. Stops when no
/// section is too near, or after [`ROUNDS`] passes.
fn repair(numbers: &mut [u32], adj: &[Vec<usize>], start: usize, near: u32, rng: &mut SplitMix64) {
    let n = numbers.len();
    let mut stuck = 0;
    for _ in 0..ROUNDS {
        let crowded: Vec<usize> = (0..n)
            .filter(|&v| v != start && cost(v, numbers, adj, near) > 0)
            .collect();
        if crowded.is_empty() {
            return;
        }
        let mut better = false;
        for &v in &crowded {
            if cost(v, numbers, adj, near) == 0 {
                continue;
            }
            let partners: Vec<usize> = if n <= ALL_PARTNERS {
                (0..n).collect()
            } else {
                (0..TRIES).map(|_| rng.below(n)).collect()
            };
            let mut best: Option<(isize, usize)> = None;
            for u in partners {
                if u == start || u == v {
                    continue;
                }
                let before = cost(v, numbers, adj, near) + cost(u, numbers, adj, near);
                numbers.swap(u, v);
                let after = cost(v, numbers, adj, near) + cost(u, numbers, adj, near);
                numbers.swap(u, v);
                let delta = after as isize - before as isize;
                if best.is_none_or(|(d, _)| delta < d) {
                    best = Some((delta, u));
                }
            }
            match best {
                Some((d, u)) if d < 0 || (d == 0 && stuck > 0) => {
                    numbers.swap(u, v);
                    better |= d < 0;
                }
                _ => {}
            }
        }
        stuck = if better { 0 } else { stuck + 1 };
        if stuck >= 2 {
            // A kick: the crowded section trades places with any other.
            let v = crowded[rng.below(crowded.len())];
            let u = rng.below(n);
            if u != start && u != v {
                numbers.swap(u, v);
            }
            stuck = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<(usize, usize)> {
        (1..n).map(|i| (i - 1, i)).collect()
    }

    fn is_bijection(numbering: &Numbering, n: usize) -> bool {
        let mut seen: Vec<u32> = (0..n).filter_map(|i| numbering.of(i)).collect();
        seen.sort_unstable();
        seen == (1..=n as u32).collect::<Vec<_>>()
            && (1..=n as u32).all(|k| {
                numbering
                    .section(k)
                    .is_some_and(|i| numbering.of(i) == Some(k))
            })
    }

    #[test]
    fn splitmix64_gives_the_published_sequence_for_seed_zero() {
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn the_start_is_one_and_the_numbers_are_one_to_n() {
        for (n, start) in [(1, 0), (2, 1), (7, 3), (50, 0), (333, 200)] {
            let numbering = Numbering::new(n, start, &chain(n), 9);
            assert_eq!(numbering.of(start), Some(1), "n={n}");
            assert!(is_bijection(&numbering, n), "n={n}");
            assert_eq!(numbering.len(), n);
        }
        assert!(Numbering::new(0, 0, &[], 1).is_empty());
    }

    #[test]
    fn the_same_seed_gives_the_same_numbers_and_another_seed_others() {
        let edges = chain(120);
        let a = Numbering::new(120, 0, &edges, 42);
        assert_eq!(a, Numbering::new(120, 0, &edges, 42));
        assert_ne!(a, Numbering::new(120, 0, &edges, 43));
    }

    #[test]
    fn no_step_of_a_long_chain_lands_within_five_numbers() {
        for n in [40, 200, 2_000] {
            let edges = chain(n);
            for seed in 0..5 {
                let numbering = Numbering::new(n, 0, &edges, seed);
                assert_eq!(near_for(n), 5);
                assert_eq!(
                    numbering.too_near(&edges, 5),
                    0,
                    "n={n}, seed={seed}: {:?}",
                    numbering.in_order()
                );
                assert!(is_bijection(&numbering, n));
            }
        }
    }

    #[test]
    fn a_hub_s_spokes_are_spread_too() {
        // A hub joined to every other section, plus a ring through the spokes.
        let n = 90;
        let mut edges: Vec<(usize, usize)> = (1..n).map(|i| (0, i)).collect();
        edges.extend((1..n).map(|i| (i, 1 + i % (n - 1))));
        let numbering = Numbering::new(n, 0, &edges, 7);
        // The hub is 1, so 2..=6 must hold sections it reaches: only those five edges
        // can be near, and nothing else.
        assert!(numbering.too_near(&edges, 5) <= 5 + 2);
        assert!(is_bijection(&numbering, n));
    }

    #[test]
    fn small_books_ask_for_less_spread() {
        assert_eq!(near_for(1), 0);
        assert_eq!(near_for(7), 1);
        assert_eq!(near_for(13), 2);
        assert_eq!(near_for(31), 5);
        assert_eq!(near_for(10_000), 5);
    }
}
