//! The JSON Schema is draft-07 and accepts the example story's front matter.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(&twinstory_story::schema_json()).unwrap()
}

/// A small structural check: types, required, additionalProperties, enums, $ref, anyOf/oneOf.
fn check(schema: &Value, root: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/definitions/");
            &root["definitions"][name]
        }
        None => schema,
    };
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            check(s, root, value, path, errors);
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let ok = options.iter().any(|o| {
                let mut e = Vec::new();
                check(o, root, value, path, &mut e);
                e.is_empty()
            });
            if !ok {
                errors.push(format!("{path}: matches none of {key}"));
            }
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let ok = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        if !ok {
            errors.push(format!("{path}: {actual} is not {types:?}"));
            return;
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            errors.push(format!("{path}: not {c}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(value) {
            errors.push(format!("{path}: not one of {e:?}"));
        }
    }
    if let Value::Object(map) = value {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(req) = schema.get("required").and_then(Value::as_array) {
            for r in req.iter().filter_map(Value::as_str) {
                if !map.contains_key(r) {
                    errors.push(format!("{path}: missing {r}"));
                }
            }
        }
        for (k, v) in map {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(s, root, v, &format!("{path}.{k}"), errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{path}: unknown {k}")),
                    Some(s @ Value::Object(_)) => check(s, root, v, &format!("{path}.{k}"), errors),
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(s, root, v, &format!("{path}[{i}]"), errors);
        }
    }
}

fn yaml_between_fences(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").unwrap();
    &rest[..rest.find("\n---\n").unwrap()]
}

#[test]
fn schema_is_draft_07_with_a_step_block_definition() {
    let s = schema();
    assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(s["definitions"]["StepBlock"]["properties"]["view"].is_object());
    assert!(s["properties"]["layers"]["description"]
        .as_str()
        .unwrap()
        .contains("ids"));
}

#[test]
fn example_front_matter_and_step_blocks_validate_against_the_schema() {
    let root = schema();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../stories/spielplaetze/story.md"
    ))
    .unwrap();
    let fm: Value = serde_saphyr::from_str(yaml_between_fences(&text)).unwrap();
    let mut errors = Vec::new();
    check(&root, &root, &fm, "front matter", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    for block in text.split("```step\n").skip(1) {
        let yaml = &block[..block.find("```").unwrap()];
        let v: Value = serde_saphyr::from_str(yaml).unwrap();
        check(
            &root["definitions"]["StepBlock"],
            &root,
            &v,
            "step",
            &mut errors,
        );
    }
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn schema_rejects_what_the_parser_rejects() {
    let root = schema();
    for bad in [
        r#"{"title": "x", "tilte": "y"}"#,
        r#"{"title": "x", "layers": {"a": {"source": {"type": "shapefile", "url": "a"}}}}"#,
        r#"{"title": "x", "layers": {"a": {"title": "no source"}}}"#,
        r#"{"lang": "de"}"#,
    ] {
        let mut errors = Vec::new();
        check(
            &root,
            &root,
            &serde_json::from_str(bad).unwrap(),
            "fm",
            &mut errors,
        );
        assert!(!errors.is_empty(), "{bad}");
    }
}

/// The docs are the contract: every ```step block of `docs/*.md` that shows
/// no mistake (no `expect=`) is valid against `definitions.StepBlock`, and
/// every ```yaml block against the front matter, so an editor's completion
/// offers what the docs teach (`compare`, `filter`, `highlight` …).
#[test]
fn the_docs_step_and_yaml_blocks_validate_against_the_schema() {
    let root = schema();
    let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs");
    let mut errors = Vec::new();
    let mut checked = 0;
    let mut files: Vec<_> = std::fs::read_dir(docs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let mut lines = text.lines().enumerate();
        while let Some((i, line)) = lines.next() {
            let step = line.trim_end() == "```step";
            if !step && line.trim_end() != "```yaml" {
                continue;
            }
            let yaml: Vec<&str> = lines
                .by_ref()
                .map(|(_, l)| l)
                .take_while(|l| !l.starts_with("```"))
                .collect();
            let mut v: Value = serde_saphyr::from_str(&yaml.join("\n")).unwrap();
            // Front matter settings: a fragment of a story with a title.
            if !step {
                v["title"] = Value::from("Doc");
            }
            check(
                if step {
                    &root["definitions"]["StepBlock"]
                } else {
                    &root
                },
                &root,
                &v,
                &format!("{name}:{}", i + 1),
                &mut errors,
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} blocks found");
    assert!(errors.is_empty(), "{errors:#?}");
}
