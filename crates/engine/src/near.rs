//! Enterprises near a point (a park's residents, an investor's chain partners nearby).

use crate::heat::{rows, HeatError, HeatFilter};
use crate::snapshot::Snapshot;

/// Great-circle distance in kilometres.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0088 * 2.0 * a.sqrt().asin()
}

/// The position of a row (the centre of its fine H3 cell), if located.
pub fn position(s: &Snapshot, row: usize) -> Option<(f64, f64)> {
    let c = h3o::CellIndex::try_from(*s.h3.get(row)?).ok()?;
    let ll = h3o::LatLng::from(c);
    Some((ll.lat(), ll.lng()))
}

/// Rows passing `filter` within `km` of (lat, lon), nearest first, with their distances.
pub fn rows_near(s: &Snapshot, filter: &HeatFilter, lat: f64, lon: f64, km: f64) -> Result<Vec<(u32, f64)>, HeatError> {
    // A latitude band first: cheap, and it rules out nearly everything on a national or world snapshot.
    let dlat = km / 111.0;
    let mut out: Vec<(u32, f64)> = rows(s, filter)?
        .into_iter()
        .filter_map(|r| {
            let (la, lo) = position(s, r as usize)?;
            if (la - lat).abs() > dlat {
                return None;
            }
            let d = distance_km(lat, lon, la, lo);
            (d <= km).then_some((r, d))
        })
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(out)
}
