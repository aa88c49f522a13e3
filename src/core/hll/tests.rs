//! HyperLogLog behaviour: exact small counts, accuracy, merging, storage.

use super::*;
use proptest::prelude::*;

/// SplitMix64: well-mixed stand-ins for visitor fingerprints.
fn hash(i: u64) -> u64 {
    let mut z = i.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn sketch_of(range: std::ops::Range<u64>) -> Hll {
    let mut hll = Hll::new();
    range.for_each(|i| hll.insert(hash(i)));
    hll
}

fn relative_error(estimate: u64, truth: u64) -> f64 {
    (estimate as f64 - truth as f64).abs() / truth as f64
}

#[test]
fn an_empty_sketch_estimates_zero() {
    assert_eq!(Hll::new().estimate(), 0);
}

#[test]
fn the_same_visitor_ten_times_counts_once() {
    let mut hll = Hll::new();
    (0..10).for_each(|_| hll.insert(hash(42)));
    assert_eq!(hll.estimate(), 1);
}

#[test]
fn small_counts_are_exact() {
    for n in [1, 10, 100, 500, 1_000, 4_000] {
        assert_eq!(sketch_of(0..n).estimate(), n, "n = {n}");
    }
}

#[test]
fn large_counts_are_within_two_percent() {
    for n in [10_000, 100_000, 1_000_000] {
        let estimate = sketch_of(0..n).estimate();
        assert!(relative_error(estimate, n) <= 0.02, "n = {n}: {estimate}");
    }
}

#[test]
fn counts_across_the_sparse_to_dense_switch_are_within_two_percent() {
    for n in [4_096, 4_097, 6_000, 20_000, 50_000] {
        let estimate = sketch_of(0..n).estimate();
        assert!(relative_error(estimate, n) <= 0.02, "n = {n}: {estimate}");
    }
}

#[test]
fn accuracy_holds_for_many_independent_sets() {
    let worst = (0..20u64)
        .map(|seed| {
            let start = seed << 40;
            relative_error(sketch_of(start..start + 30_000).estimate(), 30_000)
        })
        .fold(0.0, f64::max);
    assert!(worst <= 0.03, "worst {worst}");
}

#[test]
fn merging_two_sketches_counts_the_union() {
    let mut a = sketch_of(0..300);
    a.merge(&sketch_of(200..500));
    assert_eq!(a, sketch_of(0..500));
    assert_eq!(a.estimate(), 500);
}

#[test]
fn merging_sparse_into_dense_and_dense_into_sparse_counts_the_union() {
    let union = sketch_of(0..20_100);
    let mut dense = sketch_of(0..20_000);
    dense.merge(&sketch_of(19_900..20_100));
    assert_eq!(dense, union);
    let mut sparse = sketch_of(19_900..20_100);
    sparse.merge(&sketch_of(0..20_000));
    assert_eq!(sparse, union);
}

#[test]
fn merging_sparse_sketches_past_the_limit_turns_dense() {
    let mut a = sketch_of(0..3_000);
    a.merge(&sketch_of(3_000..6_000));
    assert_eq!(a, sketch_of(0..6_000));
    assert!(matches!(a.repr, Repr::Dense(_)));
}

#[test]
fn a_quiet_day_serialises_to_a_few_bytes() {
    assert_eq!(Hll::new().to_bytes().len(), 4);
    assert!(sketch_of(0..1).to_bytes().len() <= 9);
    assert!(sketch_of(0..100).to_bytes().len() <= 4 + 100 * 4);
}

#[test]
fn a_dense_sketch_serialises_to_at_most_sixteen_kib_and_a_header() {
    assert_eq!(sketch_of(0..100_000).to_bytes().len(), 3 + 16_384);
}

#[test]
fn sparse_and_dense_sketches_round_trip() {
    for n in [0, 1, 500, 4_096, 100_000] {
        let hll = sketch_of(0..n);
        assert_eq!(Hll::from_bytes(&hll.to_bytes()), Ok(hll), "n = {n}");
    }
}

#[test]
fn decoding_rejects_malformed_headers() {
    assert_eq!(Hll::from_bytes(&[]), Err(HllError::Truncated));
    assert_eq!(Hll::from_bytes(&[1, 14]), Err(HllError::Truncated));
    assert_eq!(Hll::from_bytes(&[2, 14, 0, 0]), Err(HllError::Version(2)));
    assert_eq!(
        Hll::from_bytes(&[1, 12, 0, 0]),
        Err(HllError::Precision(12))
    );
    assert_eq!(Hll::from_bytes(&[1, 14, 7, 0]), Err(HllError::Encoding(7)));
}

#[test]
fn decoding_rejects_bad_sparse_bodies() {
    let two = sketch_of(0..2).to_bytes();
    assert_eq!(
        Hll::from_bytes(&two[..two.len() - 1]),
        Err(HllError::Truncated)
    );
    assert_eq!(
        Hll::from_bytes(&[two.clone(), vec![0]].concat()),
        Err(HllError::Trailing)
    );
    assert_eq!(
        Hll::from_bytes(&[1, 14, 0, 1, 0]),
        Err(HllError::Register),
        "rank 0"
    );
    assert_eq!(
        Hll::from_bytes(&[1, 14, 0, 1, 41]),
        Err(HllError::Register),
        "rank 41"
    );
    assert_eq!(
        Hll::from_bytes(&[1, 14, 0, 2, 65, 0]),
        Err(HllError::Register),
        "same index twice"
    );
    assert_eq!(
        Hll::from_bytes(&[1, 14, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x7f]),
        Err(HllError::Register),
        "varint overflow"
    );
}

#[test]
fn decoding_rejects_bad_dense_bodies() {
    let mut dense = sketch_of(0..100_000).to_bytes();
    assert_eq!(Hll::from_bytes(&dense[..100]), Err(HllError::Truncated));
    dense.push(0);
    assert_eq!(Hll::from_bytes(&dense), Err(HllError::Trailing));
    dense.pop();
    if let Some(register) = dense.last_mut() {
        *register = 52;
    }
    assert_eq!(Hll::from_bytes(&dense), Err(HllError::Register));
}

fn hashes() -> impl Strategy<Value = Vec<u64>> {
    prop_oneof![
        prop::collection::vec(any::<u64>(), 0..200),
        prop::collection::vec(any::<u64>(), 4_000..4_200),
    ]
}

fn build(hashes: &[u64]) -> Hll {
    let mut hll = Hll::new();
    hashes.iter().for_each(|&h| hll.insert(h));
    hll
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merge_is_commutative(a in hashes(), b in hashes()) {
        let (mut ab, mut ba) = (build(&a), build(&b));
        ab.merge(&build(&b));
        ba.merge(&build(&a));
        prop_assert_eq!(ab.to_bytes(), ba.to_bytes());
    }

    #[test]
    fn merge_is_idempotent(a in hashes()) {
        let mut twice = build(&a);
        twice.merge(&build(&a));
        prop_assert_eq!(twice, build(&a));
    }

    #[test]
    fn merge_equals_inserting_the_union(a in hashes(), b in hashes()) {
        let mut merged = build(&a);
        merged.merge(&build(&b));
        prop_assert_eq!(merged, build(&[a, b].concat()));
    }

    #[test]
    fn serialisation_round_trips(a in hashes()) {
        let hll = build(&a);
        prop_assert_eq!(Hll::from_bytes(&hll.to_bytes()), Ok(hll));
    }

    #[test]
    fn decoding_garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = Hll::from_bytes(&bytes);
        let _ = Hll::from_bytes(&[&[1, 14, 0][..], &bytes].concat());
    }
}
