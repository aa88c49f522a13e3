//! The ClickCounter wire format: report queries and rows, and click batches.

use super::*;

#[test]
fn report_queries_round_trip() {
    for hourly in [true, false] {
        let range = SketchRange {
            hourly,
            first: Hour(490_000),
            last: Hour(490_023),
        };
        let query = report_query("link_a", &range);
        let pairs = query.split('&').filter_map(|p| p.split_once('='));
        assert_eq!(parse_report_query(pairs), Some(range));
    }
}

#[test]
fn malformed_report_queries_are_rejected() {
    for query in [
        "first=1&last=2",
        "first=x&last=2&sketches=day",
        "first=3&last=2&sketches=day",
        "first=1&last=2&sketches=week",
    ] {
        let pairs = query.split('&').filter_map(|p| p.split_once('='));
        assert_eq!(parse_report_query(pairs), None, "{query}");
    }
}

#[test]
fn report_rows_round_trip_and_skip_unknown_dimensions() {
    let mut sketch = Hll::new();
    sketch.insert(0x1234_5678_9abc_def0);
    let counts = [HourlyCount {
        hour: Hour(7),
        dimension: Dimension::Country,
        value: "DE".into(),
        count: 3,
    }];
    let mut rows = ReportRows::new(&counts, &sketch, &BTreeMap::from([(2, sketch.clone())]));
    rows.counts.push(WireCount {
        hour: 7,
        dimension: "future".into(),
        value: String::new(),
        count: 1,
    });
    let json = serde_json::to_string(&rows).unwrap();
    let back: ReportRows = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.decode().unwrap(),
        Report {
            counts: counts.to_vec(),
            sketch: sketch.clone(),
            variants: vec![(2, sketch)]
        }
    );
}

#[test]
fn a_report_without_variant_sketches_still_reads() {
    let rows = ReportRows::new(&[], &Hll::new(), &BTreeMap::new());
    let mut json: serde_json::Value = serde_json::to_value(&rows).unwrap();
    json.as_object_mut().unwrap().remove("variants");
    let back: ReportRows = serde_json::from_value(json).unwrap();
    assert!(back.decode().unwrap().variants.is_empty());
}

#[test]
fn a_batch_is_one_event_or_an_array() {
    let one = r#"{"at":1,"country":"US","client":{"device":"mobile","platform":"ios","browser":"Safari","os":"iOS","is_bot":false},"referrer":"direct","source":"link","fingerprint":5}"#;
    let batch: ClickBatch = serde_json::from_str(one).unwrap();
    assert_eq!(batch.into_events().len(), 1);
    let many: ClickBatch = serde_json::from_str(&format!("[{one},{one}]")).unwrap();
    assert_eq!(many.into_events().len(), 2);
    assert!(serde_json::from_str::<ClickBatch>(r#"{"at":1}"#).is_err());
}

proptest::proptest! {
    #[test]
    fn an_arbitrary_sketch_is_decoded_or_an_error(sketch in "(?s).{0,120}|[A-Za-z0-9+/]{0,200}={0,2}") {
        let rows = ReportRows { counts: Vec::new(), sketch, variants: Vec::new() };
        if let Err(message) = rows.decode() {
            proptest::prop_assert!(message.contains("sketch"), "{message}");
        }
    }
}
