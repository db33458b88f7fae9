//! The YAML inside a ```step block: id, view, show and transition.

use crate::diagnostic::Pos;
use crate::walk::{is_valid_id, Walker};
use crate::yaml::{Kind, Node};
use twinstory_model::{Compare, FitTarget, LayerState, Layout, Transition, View};

/// Settings of a ```step block.
pub(crate) const STEP_FIELDS: &[&str] = &[
    "id",
    "view",
    "view-narrow",
    "show",
    "transition",
    "interactive",
    "map-description",
    "map-description-extra",
    "layout",
    "time",
    "play",
    "compare",
];
/// Settings of `compare`.
const COMPARE_FIELDS: &[&str] = &["before", "after"];
/// Settings of one side of `compare`.
const SIDE_FIELDS: &[&str] = &["label", "show"];
/// Labels longer than this cover much of a phone's map (W0050).
const LONG_LABEL: usize = 24;
/// Settings of `view`.
pub(crate) const VIEW_FIELDS: &[&str] = twinstory_model::keys::VIEW;
/// Settings of one entry of `show` written as a group.
pub(crate) const SHOW_FIELDS: &[&str] = twinstory_model::keys::SHOW;
/// Values of `transition`.
const TRANSITIONS: &[&str] = &["fly", "ease", "jump"];
/// The largest latitude Web Mercator maps show.
pub(crate) const MAX_LAT: f64 = 85.05;

/// What a ```step block says, with the positions later checks need.
#[derive(Debug, Default)]
pub(crate) struct StepSettings {
    /// `id`, with the value's position.
    pub id: Option<(String, Pos)>,
    /// The view, if valid.
    pub view: Option<View>,
    /// The view on narrow maps, if given and valid.
    pub view_narrow: Option<View>,
    /// Position of `center` or `fit`, for the bounds check.
    pub view_pos: Option<Pos>,
    /// Layers shown.
    pub show: Vec<LayerState>,
    /// The transition.
    pub transition: Transition,
    /// Whether readers may move the map here (None: as the story says).
    pub interactive: Option<bool>,
    /// The author's text alternative of the map, replacing the generated one.
    pub map_description: Option<String>,
    /// Sentences added after the generated text alternative.
    pub map_description_extra: Option<String>,
    /// The step's own layout, if given and valid.
    pub layout: Option<Layout>,
    /// The layer ids `show` names, with their positions.
    pub show_refs: Vec<(String, Pos)>,
    /// Every layer id the block names, with its position.
    pub layer_refs: Vec<(String, Pos)>,
    /// The fields `filter` and `highlight` read: layer id, field, position.
    pub condition_fields: Vec<(String, String, Pos)>,
    /// Each `filter` and `highlight` read: layer id, setting, condition, position.
    pub conditions: Vec<(String, &'static str, String, Pos)>,
    /// `time`: a moment or a period (empty: none).
    pub time: Vec<String>,
    /// `play`, expanded into its moments.
    pub play: Option<crate::time::PlayRead>,
    /// Where `time` or `play` is written.
    pub time_pos: Option<Pos>,
    /// The before/after comparison, if given and valid.
    pub compare: Option<Compare>,
}

/// Reads a step block's tree.
pub(crate) fn read(w: &mut Walker<'_, '_>, root: &Node) -> StepSettings {
    let mut s = StepSettings::default();
    let Some(fields) = w.fields(
        root,
        STEP_FIELDS,
        "the ```step block",
        "view: { center: [9.99, 53.55], zoom: 12 }",
    ) else {
        return s;
    };
    let mut show_key = None;
    let mut compare_key = None;
    for (key, k, v) in fields {
        match key {
            "id" => {
                if let Some(id) = w.text(v, "id", "id: harbour") {
                    let pos = w.pos(v);
                    if is_valid_id(&id) {
                        s.id = Some((id, pos));
                    } else {
                        w.sink.error(
                            "E0023",
                            pos,
                            format!("`{id}` cannot be a step id"),
                            Some("use only letters, digits, `-` and `_`, e.g. `old-town`; the id becomes the step's link (#old-town)".into()),
                        );
                    }
                }
            }
            "view" | "view-narrow" => {
                let view = read_view(w, v, &mut s, key);
                match key {
                    "view" => s.view = view,
                    _ => s.view_narrow = view,
                }
            }
            "show" => {
                show_key = Some(w.pos(k));
                read_show(w, v, &mut s);
            }
            "compare" => {
                compare_key = Some(w.pos(k));
                read_compare(w, v, &mut s);
            }
            "interactive" => s.interactive = w.boolean(v, "interactive", "interactive: false"),
            "map-description" => s.map_description = description(w, v, key),
            "map-description-extra" => s.map_description_extra = description(w, v, key),
            "layout" => s.layout = crate::front_matter::read_layout(w, v),
            "time" | "play" => {
                if let Some(pos) = s.time_pos {
                    let here = w.pos(k);
                    w.sink.error(
                        "E0175",
                        here,
                        "a step has either `time` or `play`, not both",
                        Some(format!("`play` ends at its `to`, which is the step's time when it is reached; delete one of the two (the other is on line {})", pos.line)),
                    );
                    continue;
                }
                s.time_pos = Some(w.pos(k));
                if key == "time" {
                    s.time = crate::time::read_step_time(w, v);
                } else {
                    s.play = crate::time::read_play(w, v);
                }
            }
            _ => {
                if let Some(t) = w.text(v, "transition", "transition: fly") {
                    match t.as_str() {
                        "fly" => s.transition = Transition::Fly,
                        "ease" => s.transition = Transition::Ease,
                        "jump" => s.transition = Transition::Jump,
                        other => w.not_one_of(v, "transition", other, TRANSITIONS),
                    }
                }
            }
        }
    }
    if let (Some(show), Some(_)) = (show_key, compare_key) {
        w.sink.error(
            "E0181",
            show,
            "a step with `compare` cannot also have `show`",
            Some("the two sides say what the map shows: move the layers into `compare.before.show` and `compare.after.show`".into()),
        );
        s.compare = None;
    }
    if let (Some(time), Some(_)) = (s.time_pos, compare_key) {
        w.sink.error(
            "E0177",
            time,
            "a step with `compare` cannot also have `time` or `play`",
            Some("the two sides say what the map shows: give each time a step of its own, with its `time`".into()),
        );
        s.time.clear();
        s.play = None;
    }
    s
}

/// A `compare` group: its `before` side goes into the comparison, its
/// `after` side becomes the step's `show`.
fn read_compare(w: &mut Walker<'_, '_>, n: &Node, s: &mut StepSettings) {
    let example = "compare: { before: { label: \"2014\", show: [kinder-2014] }, after: { label: \"2018\", show: [kinder-2018] } }";
    let Some(fields) = w.fields(n, COMPARE_FIELDS, "`compare`", example) else {
        return;
    };
    let mut sides: [Option<(String, Vec<LayerState>)>; 2] = [None, None];
    let mut complete = [false, false];
    for (key, _k, v) in fields {
        let i = usize::from(key == "after");
        complete[i] = true;
        sides[i] = read_side(w, v, s, key);
    }
    for (i, name) in ["before", "after"].into_iter().enumerate() {
        if !complete[i] {
            let pos = w.pos(n);
            w.sink.error(
                "E0180",
                pos,
                format!("`compare` has no `{name}` side"),
                Some(format!("a comparison needs two states of the map; add e.g. `{name}: {{ label: \"{}\", show: [kinder-{}] }}`", 2014 + 4 * i, 2014 + 4 * i)),
            );
        }
    }
    let [Some((before_label, before)), Some((after_label, after))] = sides else {
        return;
    };
    if before == after {
        let pos = w.pos(n);
        w.sink.error(
            "E0182",
            pos,
            "the two sides of `compare` show the same map",
            Some("a comparison needs two different states: other layers, another `filter` or `highlight`, or another layer with the same data and another `style`".into()),
        );
        return;
    }
    s.show = after;
    s.compare = Some(Compare {
        before,
        before_label,
        after_label,
    });
}

/// One side of `compare` (`key`: `before` or `after`): its label and its
/// layers; `None` after an error.
fn read_side(
    w: &mut Walker<'_, '_>,
    n: &Node,
    s: &mut StepSettings,
    key: &str,
) -> Option<(String, Vec<LayerState>)> {
    let example = format!("{key}: {{ label: \"2014\", show: [kinder-2014] }}");
    let fields = w.fields(n, SIDE_FIELDS, &format!("`compare.{key}`"), &example)?;
    let (mut label, mut show, mut has_show) = (None, Vec::new(), false);
    for (field, _k, v) in fields {
        if field == "label" {
            let text = w.text(v, "label", "label: \"2014\"")?;
            let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let pos = w.pos(v);
            if folded.is_empty() {
                w.sink.error(
                    "E0183",
                    pos,
                    format!("the label of `compare.{key}` is empty"),
                    Some("readers see it on their side of the divider: name the state, e.g. `label: \"2014\"`".into()),
                );
                return None;
            }
            if folded.chars().count() > LONG_LABEL {
                w.sink.warning(
                    "W0050",
                    pos,
                    format!("the label of `compare.{key}` is {} characters long", folded.chars().count()),
                    Some(format!("labels stand over the map, where more than {LONG_LABEL} characters cover much of it on a phone; a year or a word or two is enough, the step's text can say more")),
                );
            }
            label = Some(folded);
        } else {
            has_show = true;
            let mut side = StepSettings::default();
            read_show(w, v, &mut side);
            s.layer_refs.append(&mut side.layer_refs);
            s.show_refs.append(&mut side.show_refs);
            s.condition_fields.append(&mut side.condition_fields);
            s.conditions.append(&mut side.conditions);
            show = side.show;
        }
    }
    for (name, present, ex) in [
        ("label", label.is_some(), "label: \"2014\""),
        ("show", has_show, "show: [kinder-2014]"),
    ] {
        if !present {
            let pos = w.pos(n);
            w.sink.error(
                "E0180",
                pos,
                format!("`compare.{key}` has no `{name}`"),
                Some(format!(
                    "each side needs a `label` readers see and the layers it `show`s; add `{ex}`"
                )),
            );
        }
    }
    Some((label?, show)).filter(|_| has_show)
}

/// A `map-description` text: plain sentences, spaces and line breaks
/// folded as a screen reader reads them; an empty one is an error, since it
/// would leave the map without words.
fn description(w: &mut Walker<'_, '_>, v: &Node, key: &str) -> Option<String> {
    let example =
        format!("{key}: \"Eimsbüttel ist umrandet; fast jede Straße hat einen Spielplatz.\"");
    let text = w.text(v, key, &example)?;
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        let pos = w.pos(v);
        w.sink.error(
            "E0022",
            pos,
            format!("`{key}` is empty"),
            Some(format!(
                "write what the map shows in this step in a sentence or two, e.g. `{example}`, or delete the line to keep the generated text"
            )),
        );
        return None;
    }
    Some(folded)
}

/// A `view` (or `view-narrow`, named `key`); `None` after an error.
fn read_view(w: &mut Walker<'_, '_>, n: &Node, s: &mut StepSettings, key: &str) -> Option<View> {
    let unknown_before = w.unknown;
    let name = format!("`{key}`");
    let fields = w.fields(
        n,
        VIEW_FIELDS,
        &name,
        &format!("{key}: {{ center: [9.99, 53.55], zoom: 12 }}"),
    )?;
    // Only `view` is checked against the data's bounds (`view_pos`).
    let main = key == "view";
    // A misspelt setting is reported once, not again as a missing one.
    let misspelt = w.unknown > unknown_before;
    let mut view = View::default();
    let mut ok = true;
    let (mut center_node, mut zoom_node, mut fit_node) = (None, None, None);
    for (key, k, v) in fields {
        match key {
            "center" => {
                center_node = Some(k);
                if main {
                    s.view_pos = Some(w.pos(v));
                }
                view.center = read_center(w, v);
                ok &= view.center.is_some();
            }
            "zoom" => {
                zoom_node = Some(k);
                view.zoom = w.number_in(
                    v,
                    "zoom",
                    "zoom: 12",
                    0.0,
                    22.0,
                    "0 shows the whole world, 11 a city, 15 a street, 22 a house",
                );
                ok &= view.zoom.is_some();
            }
            "bearing" => match w.number(v, "bearing", "bearing: 30") {
                Some(b) => view.bearing = b,
                None => ok = false,
            },
            "pitch" => match w.number_in(
                v,
                "pitch",
                "pitch: 45",
                0.0,
                twinstory_model::MAX_PITCH,
                "0 looks straight down, 60 is the steepest tilt the map draws",
            ) {
                Some(p) => view.pitch = p,
                None => ok = false,
            },
            _ => {
                fit_node = Some(k);
                if main {
                    s.view_pos = Some(w.pos(v));
                }
                view.fit = read_fit(w, v, s);
                ok &= view.fit.is_some();
            }
        }
    }
    match (center_node, zoom_node, fit_node) {
        (Some(_), _, Some(f)) => {
            let pos = w.pos(f);
            w.sink.error(
                "E0024",
                pos,
                format!("{name} has both `center` and `fit`"),
                Some("use either `center` with `zoom`, or `fit` alone".into()),
            );
            ok = false;
        }
        (None, Some(z), Some(_)) => {
            let pos = w.pos(z);
            w.sink.error(
                "E0024",
                pos,
                "`zoom` cannot be used together with `fit`",
                Some("`fit` picks the zoom that shows everything; delete `zoom`, or use `center` with `zoom`".into()),
            );
            ok = false;
        }
        (Some(_), None, None) if !misspelt => {
            w.missing(n, "zoom", &format!("{name} with a `center`"), "zoom: 12");
            ok = false;
        }
        (None, Some(_), None) if !misspelt => {
            w.missing(
                n,
                "center",
                &format!("{name} with a `zoom`"),
                "center: [9.99, 53.55]",
            );
            ok = false;
        }
        (None, None, None) if !misspelt => {
            let pos = w.pos(n);
            w.sink.error(
                "E0022",
                pos,
                format!("{name} says neither where to look (`center` and `zoom`) nor what to show (`fit`)"),
                Some(format!("write e.g. `{key}: {{ center: [9.99, 53.55], zoom: 12 }}` or `{key}: {{ fit: quarters }}`")),
            );
            ok = false;
        }
        (_, _, None) if misspelt => ok = false,
        _ => {}
    }
    ok.then_some(view)
}

/// Two numbers: longitude, latitude.
fn read_center(w: &mut Walker<'_, '_>, n: &Node) -> Option<[f64; 2]> {
    let example = "center: [9.99, 53.55]";
    let Kind::Seq(items) = &n.kind else {
        w.wrong_type(
            n,
            "center",
            "two numbers in brackets, [longitude, latitude]",
            example,
        );
        return None;
    };
    if items.len() != 2 {
        let pos = w.pos(n);
        // `[9,955, 53,572]`: two numbers with German decimal commas.
        let whole = |i: &Node| matches!(i.kind, Kind::Int(_));
        let help = if items.len() == 4 && items.iter().all(whole) {
            format!(
                "numbers are written with a decimal point: `center: [{}.{}, {}.{}]`",
                w.raw(&items[0]),
                w.raw(&items[1]),
                w.raw(&items[2]),
                w.raw(&items[3])
            )
        } else {
            format!("write it like this: `{example}`")
        };
        w.sink.error(
            "E0021",
            pos,
            format!(
                "`center` must have two numbers, [longitude, latitude], but it has {}",
                items.len()
            ),
            Some(help),
        );
        return None;
    }
    let lon = lon_lat(w, &items[0], "longitude", 180.0);
    let lat = lon_lat(w, &items[1], "latitude", MAX_LAT);
    Some([lon?, lat?])
}

fn lon_lat(w: &mut Walker<'_, '_>, n: &Node, name: &str, max: f64) -> Option<f64> {
    let v = w.number(n, name, "center: [9.99, 53.55]")?;
    if v.abs() > max {
        let pos = w.pos(n);
        let help = if name == "latitude" && v.abs() <= 180.0 {
            "the map cannot show latitudes beyond ±85.05°; check that `center` is [longitude, latitude], in that order"
        } else {
            "longitudes go from -180 to 180 degrees; check that the value is in degrees (WGS 84), not metres"
        };
        w.sink.error(
            "E0030",
            pos,
            format!("{name} {v} is outside the map (±{max}°)"),
            Some(help.into()),
        );
        return None;
    }
    Some(v)
}

fn read_fit(w: &mut Walker<'_, '_>, n: &Node, s: &mut StepSettings) -> Option<FitTarget> {
    let example = "fit: quarters";
    match &n.kind {
        Kind::Str(id) => {
            s.layer_refs.push((id.clone(), w.pos(n)));
            Some(FitTarget::Layer(id.clone()))
        }
        Kind::Seq(items) if items.len() == 4 => {
            let mut b = [0.0; 4];
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                let (name, max) = if i % 2 == 0 {
                    ("longitude", 180.0)
                } else {
                    ("latitude", MAX_LAT)
                };
                match lon_lat(w, item, name, max) {
                    Some(v) => b[i] = v,
                    None => ok = false,
                }
            }
            if ok && (b[0] >= b[2] || b[1] >= b[3]) {
                let pos = w.pos(n);
                w.sink.error(
                    "E0030",
                    pos,
                    "the box in `fit` is empty or upside down",
                    Some("write it as [west, south, east, north], e.g. `fit: [9.7, 53.4, 10.3, 53.7]`".into()),
                );
                ok = false;
            }
            ok.then_some(FitTarget::Bbox(b))
        }
        Kind::Seq(items) => {
            let pos = w.pos(n);
            w.sink.error(
                "E0021",
                pos,
                format!("a box in `fit` must have four numbers, [west, south, east, north], but it has {}", items.len()),
                Some("write e.g. `fit: [9.7, 53.4, 10.3, 53.7]`, or name a layer: `fit: quarters`".into()),
            );
            None
        }
        _ => {
            w.wrong_type(
                n,
                "fit",
                "a layer id or [west, south, east, north]",
                example,
            );
            None
        }
    }
}

fn read_show(w: &mut Walker<'_, '_>, n: &Node, s: &mut StepSettings) {
    let items: Vec<&Node> = match &n.kind {
        Kind::Seq(items) => items.iter().collect(),
        Kind::Null => Vec::new(),
        _ => vec![n],
    };
    for item in items {
        match &item.kind {
            Kind::Str(id) => {
                s.layer_refs.push((id.clone(), w.pos(item)));
                s.show_refs.push((id.clone(), w.pos(item)));
                s.show.extend(layer_state(id, 1.0, &[]));
            }
            Kind::Map(_) => {
                let Some(fields) = w.fields(
                    item,
                    SHOW_FIELDS,
                    "an entry of `show`",
                    "{ layer: playgrounds, opacity: 0.5 }",
                ) else {
                    continue;
                };
                let mut layer = None;
                let mut opacity = Some(1.0);
                let mut conditions: Vec<(&str, String)> = Vec::new();
                let mut read_fields = Vec::new();
                let mut at = Vec::new();
                for (key, _k, v) in fields {
                    if key == "filter" || key == "highlight" {
                        let example = format!("{key}: 'playgrounds >= 10'");
                        if let Some(c) = w.text(v, key, &example) {
                            if let Some(f) = crate::checks::conditions::check(w, v, key, &c) {
                                read_fields.extend(f);
                                let key = if key == "filter" {
                                    "filter"
                                } else {
                                    "highlight"
                                };
                                at.push((key, c.clone(), w.pos(v)));
                                conditions.push((key, c));
                            }
                        }
                    } else if key == "layer" {
                        if let Some(id) = w.text(v, "layer", "layer: playgrounds") {
                            s.layer_refs.push((id.clone(), w.pos(v)));
                            s.show_refs.push((id.clone(), w.pos(v)));
                            layer = Some(id);
                        }
                    } else {
                        opacity = w.number_in(
                            v,
                            "opacity",
                            "opacity: 0.5",
                            0.0,
                            1.0,
                            "0 is invisible, 1 is fully opaque, 0.5 is half transparent",
                        );
                    }
                }
                if layer.is_none() && !fields_has_layer(item) {
                    w.missing(item, "layer", "this entry of `show`", "layer: playgrounds");
                }
                if let Some(layer) = &layer {
                    s.condition_fields
                        .extend(read_fields.into_iter().map(|(f, p)| (layer.clone(), f, p)));
                    s.conditions
                        .extend(at.into_iter().map(|(k, c, p)| (layer.clone(), k, c, p)));
                }
                if let (Some(layer), Some(opacity)) = (layer, opacity) {
                    s.show.extend(layer_state(&layer, opacity, &conditions));
                }
            }
            _ => w.wrong_type(
                item,
                "show",
                "a list of layer ids",
                "show: [quarters, playgrounds]",
            ),
        }
    }
}

/// Builds a [`LayerState`] through its serde form, so that fields the model
/// adds later (with defaults) need no change here.
fn layer_state(layer: &str, opacity: f64, conditions: &[(&str, String)]) -> Option<LayerState> {
    let mut v = serde_json::json!({ "layer": layer, "opacity": opacity });
    for (k, c) in conditions {
        v[*k] = serde_json::Value::String(c.clone());
    }
    serde_json::from_value(v).ok()
}

fn fields_has_layer(n: &Node) -> bool {
    matches!(&n.kind, Kind::Map(e) if e.iter().any(|(k, _)| k.kind == Kind::Str("layer".into())))
}
