//! GeoJSON input: parks and zones as features whose properties use the CSV column names. A Point gives the
//! location; a Polygon or MultiPolygon is kept as the boundary and its centroid becomes the location.

use crate::error::IoError;
use crate::table::RawRow;

/// Turn a FeatureCollection into header + rows so the CSV row converters can validate it.
/// Header, rows, and each row's boundary geometry (GeoJSON text) if it had one.
pub struct FeatureRows {
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    pub boundaries: Vec<Option<String>>,
}

pub fn features_as_rows(text: &str, columns: &[&str]) -> Result<FeatureRows, IoError> {
    use serde_json::Value;
    let gj: Value = serde_json::from_str(text).map_err(|e| IoError::GeoJson(e.to_string()))?;
    let features: Vec<Value> = match gj.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => gj.get("features").and_then(Value::as_array).cloned().unwrap_or_default(),
        Some("Feature") => vec![gj.clone()],
        _ => return Err(IoError::GeoJson("expected a Feature or FeatureCollection".into())),
    };
    let mut headers: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    for extra in ["lat", "lon"] {
        if !headers.iter().any(|h| h == extra) {
            headers.push(extra.into());
        }
    }
    let lat_i = headers.iter().position(|h| h == "lat").unwrap_or(0);
    let lon_i = headers.iter().position(|h| h == "lon").unwrap_or(0);
    let mut rows = Vec::new();
    let mut boundaries = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let mut cells = vec![String::new(); headers.len()];
        if let Some(props) = f.get("properties").and_then(Value::as_object) {
            for (j, h) in headers.iter().enumerate() {
                if let Some(v) = props.get(h) {
                    cells[j] = match v {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        Value::Array(a) => {
                            a.iter().map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string())).collect::<Vec<_>>().join(";")
                        }
                        other => other.to_string(),
                    };
                }
            }
        }
        let mut boundary = None;
        if let Some(g) = f.get("geometry").filter(|g| !g.is_null()) {
            let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
            let coords = g.get("coordinates");
            match (kind, coords) {
                ("Point", Some(Value::Array(p))) if p.len() >= 2 => {
                    cells[lon_i] = p[0].to_string();
                    cells[lat_i] = p[1].to_string();
                }
                ("Polygon" | "MultiPolygon", Some(c)) => {
                    if let Some((lon, lat)) = centroid(kind, c) {
                        if cells[lat_i].is_empty() {
                            cells[lon_i] = format!("{lon:.6}");
                            cells[lat_i] = format!("{lat:.6}");
                        }
                    }
                    boundary = serde_json::to_string(g).ok();
                }
                _ => {}
            }
        }
        rows.push(RawRow { line: i as u64 + 1, cells: cells.into() });
        boundaries.push(boundary);
    }
    Ok(FeatureRows { headers, rows, boundaries })
}

/// Area-weighted centroid of the outer rings (planar, fine at city scale).
pub fn centroid(kind: &str, coords: &serde_json::Value) -> Option<(f64, f64)> {
    let rings: Vec<&serde_json::Value> = match kind {
        "Polygon" => coords.get(0).into_iter().collect(),
        "MultiPolygon" => coords.as_array()?.iter().filter_map(|p| p.get(0)).collect(),
        _ => return None,
    };
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for ring in rings {
        let pts: Vec<(f64, f64)> = ring.as_array()?.iter().filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect();
        for w in pts.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let cross = x0 * y1 - x1 * y0;
            a += cross;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
        }
    }
    if a.abs() < 1e-12 {
        return None;
    }
    Some((cx / (3.0 * a), cy / (3.0 * a)))
}
