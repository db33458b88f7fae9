//! Issue 7: Stadtteil-Profile statistics joined onto Hamburg's quarters by
//! name, with playground counts per quarter and a computed rate. The expected
//! numbers were worked out by hand from the files in `tests/data/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use geo::{Area, Geometry};
use serde_json::{json, Value};
use twinstory_data::{
    compute_field, join_stadtteile, join_table, read_csv_table, read_geojson, CsvDialect, Dataset,
    Feature, JoinOptions, NumberFormat, StadtteilJoin, StadtteilMode, Table, TextEncoding,
};

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn table(name: &str, dialect: &CsvDialect) -> Table {
    read_csv_table(name, &data(name), dialect).unwrap()
}

/// Quarters with `points_of_interest` = playgrounds per quarter (0 where the count file has no row).
fn quarters_with_playgrounds() -> Dataset {
    let mut quarters = read_geojson("quarters.geojson", &data("quarters.geojson")).unwrap();
    let counts = table("playgrounds-per-quarter.csv", &CsvDialect::default());
    let opts = JoinOptions {
        feature_key: "id".into(),
        table_key: "id".into(),
        columns: None,
        fill_unmatched: Some(json!(0)),
    };
    let report = join_table(&mut quarters, &counts, "playgrounds-per-quarter.csv", &opts).unwrap();
    assert_eq!(
        report.rows_matched, 114,
        "every count row names a quarter: {report}"
    );
    quarters
}

fn by_id<'a>(d: &'a Dataset, id: &str) -> &'a Feature {
    d.features
        .iter()
        .find(|f| f.id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no feature {id}"))
}

fn num(f: &Feature, key: &str) -> f64 {
    f.properties
        .get(key)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{key} = {:?}", f.properties.get(key)))
}

#[test]
fn german_spreadsheet_export_is_detected() {
    let t = table("stadtteilprofile-2014.csv", &CsvDialect::default());
    assert_eq!(
        (t.delimiter, t.number_format, t.encoding),
        (';', NumberFormat::DecimalComma, TextEncoding::Utf8)
    );
    assert_eq!(t.rows.len(), 107);
    let altstadt = &t.rows[0].values;
    assert_eq!(altstadt[0], json!("Hamburg-Altstadt"));
    assert_eq!(altstadt[1], json!(1675), "space thousands separator");
    assert_eq!(altstadt[3], json!(9.7), "decimal comma");
    let curslack = t
        .rows
        .iter()
        .find(|r| r.values[0] == json!("Curslack"))
        .unwrap();
    assert_eq!(
        curslack.values[t.column("Wanderungssaldo").unwrap()],
        json!(0),
        "`-` is nothing"
    );
    let hamburg = t.rows.last().unwrap();
    assert_eq!(hamburg.values[1], json!(1_788_994));
    // The `.` placeholder in the price columns means "unknown": null, and the column stays numeric.
    let prices = t
        .column("Preise für Grundstücke in EUR/m² (Jan 2014)")
        .unwrap();
    assert!(t.rows.iter().any(|r| r.values[prices].is_null()));
    assert!(t.rows.iter().any(|r| r.values[prices].is_number()));

    // The override wins over detection: read as decimal point, "9,7" is text.
    let forced = CsvDialect {
        number_format: Some(NumberFormat::DecimalPoint),
        ..CsvDialect::default()
    };
    let t = table("stadtteilprofile-2014.csv", &forced);
    assert_eq!(t.rows[0].values[3].as_str().map(str::trim), Some("9,7"));
}

#[test]
fn dissolve_gives_one_shape_per_stadtteil_and_playgrounds_per_1000_children() {
    let quarters = quarters_with_playgrounds();
    let stats = table("stadtteilprofile-2014.csv", &CsvDialect::default());
    let opts = StadtteilJoin {
        mode: StadtteilMode::Dissolve,
        sum_properties: vec!["points_of_interest".into()],
        ..StadtteilJoin::default()
    };
    let (mut d, report) =
        join_stadtteile(&quarters, &stats, "stadtteilprofile-2014.csv", &opts).unwrap();

    assert_eq!(
        (report.rows_total, report.rows_matched),
        (107, 99),
        "{report}"
    );
    assert_eq!(
        (report.features_total, report.features_matched),
        (181, 180),
        "{report}"
    );
    assert_eq!(report.unmatched_features, vec!["Neuwerk".to_string()]);
    let unmatched: Vec<&str> = report
        .unmatched_rows
        .iter()
        .map(|r| r.key.as_str())
        .collect();
    assert_eq!(
        unmatched,
        [
            "Hamburg-Mitte",
            "Altona",
            "Eimsbüttel",
            "Hamburg-Nord",
            "Wandsbek",
            "Bergedorf",
            "Harburg",
            "Hamburg"
        ]
    );
    assert!(report
        .unmatched_rows
        .iter()
        .all(|r| r.hint.as_deref().is_some_and(|h| h.contains("Bezirk"))));
    assert_eq!(
        d.features.len(),
        100,
        "99 Stadtteile and Neuwerk without values"
    );

    compute_field(
        &mut d,
        "Spielplätze je 1.000 Kinder unter 18",
        "points_of_interest / `Unter 18-Jährige` * 1000",
    )
    .unwrap();
    let rate = "Spielplätze je 1.000 Kinder unter 18";
    // Worked out by hand: playgrounds in the Stadtteil's quarters / under-18s * 1000.
    for (name, quarters, playgrounds, kids) in [
        ("Hamburg-Altstadt", 2, 2.0, 162.0),
        ("Eimsbüttel", 10, 12.0, 6791.0),
        ("Waltershof und Finkenwerder", 2, 14.0, 1943.0),
        ("Altona-Nord", 3, 11.0, 3337.0),
    ] {
        let f = by_id(&d, name);
        assert_eq!(
            f.properties["quarters"].as_array().map(Vec::len),
            Some(quarters),
            "{name}"
        );
        assert_eq!(num(f, "points_of_interest"), playgrounds, "{name}");
        assert_eq!(num(f, "Unter 18-Jährige"), kids, "{name}");
        assert!(
            (num(f, rate) - playgrounds / kids * 1000.0).abs() < 1e-9,
            "{name}: {}",
            num(f, rate)
        );
    }
    // The Stadtteil row was used, not the Bezirk row of the same name (252 340).
    assert_eq!(num(by_id(&d, "Eimsbüttel"), "Bevölkerung"), 56_097.0);

    // The dissolved shape covers the ten quarters: same area, fewer parts.
    let eimsbuettel = by_id(&d, "Eimsbüttel");
    let Some(Geometry::MultiPolygon(shape)) = &eimsbuettel.geometry else {
        panic!("not a MultiPolygon")
    };
    let parts: f64 = quarters
        .features
        .iter()
        .filter(|q| q.properties["name"] == json!("Eimsbüttel"))
        .filter_map(|q| q.geometry.as_ref().map(|g| g.unsigned_area()))
        .sum();
    let area = shape.unsigned_area();
    assert!(
        (area - parts).abs() / parts < 0.01,
        "union {area} vs parts {parts}"
    );
    assert!(
        shape.0.len() < 10,
        "the quarters were merged, not just listed ({} parts)",
        shape.0.len()
    );
    assert!(by_id(&d, "Neuwerk").properties.get("Bevölkerung").is_none());
}

#[test]
fn attach_marks_values_as_stadtteil_wide_on_every_quarter() {
    let quarters = quarters_with_playgrounds();
    // The 2018 file is Latin-1: detected with a warning, or declared without one.
    let detected = table("stadtteilprofile-2018.csv", &CsvDialect::default());
    assert_eq!(detected.encoding, TextEncoding::Windows1252);
    assert!(detected
        .warnings
        .iter()
        .any(|w| w.message.contains("not UTF-8")));
    let declared = CsvDialect {
        encoding: Some(TextEncoding::Windows1252),
        ..CsvDialect::default()
    };
    let stats = table("stadtteilprofile-2018.csv", &declared);
    assert!(stats.warnings.is_empty());
    assert_eq!(stats.number_format, NumberFormat::DecimalPoint);

    let opts = StadtteilJoin {
        mode: StadtteilMode::Attach,
        sum_properties: vec!["points_of_interest".into()],
        table_key: Some("Stadtteil".into()),
        ..StadtteilJoin::default()
    };
    let (mut d, report) =
        join_stadtteile(&quarters, &stats, "stadtteilprofile-2018.csv", &opts).unwrap();
    assert_eq!(
        (
            report.rows_matched,
            report.features_matched,
            report.unmatched_rows.len()
        ),
        (99, 180, 0)
    );
    assert_eq!(d.features.len(), 181, "every quarter keeps its own shape");

    let barmbek: Vec<&Feature> = d
        .features
        .iter()
        .filter(|f| f.properties["name"] == json!("Barmbek-Süd"))
        .collect();
    assert_eq!(barmbek.len(), 6);
    for q in &barmbek {
        assert_eq!(num(q, "B_Bev"), 35_438.0);
        assert_eq!(q.properties["stadtteil_wide"], json!(true));
        assert_eq!(q.properties["stadtteil_quarters"], json!(6));
    }
    // A quarter of Eimsbüttel: its own count, and the Stadtteil's total for rates.
    compute_field(
        &mut d,
        "rate",
        "points_of_interest_stadtteil / B_Bev18 * 1000",
    )
    .unwrap();
    let q = d
        .features
        .iter()
        .find(|f| f.properties["id"] == json!("03301304"))
        .unwrap();
    assert_eq!(
        (
            num(q, "points_of_interest"),
            num(q, "points_of_interest_stadtteil")
        ),
        (4.0, 12.0)
    );
    let kids = num(q, "B_Bev18");
    assert!((num(q, "rate") - 12.0 / kids * 1000.0).abs() < 1e-9);
    // Combined rows reach both quarters.
    let finkenwerder = d
        .features
        .iter()
        .find(|f| f.properties["id"] == json!("01120141"))
        .unwrap();
    assert_eq!(
        finkenwerder.properties["stadtteil"],
        json!("Waltershof und Finkenwerder")
    );
}
