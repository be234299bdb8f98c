//! The embedded web app: the files of `web/` at `/` (index.html for `/`) and the boundary files of
//! `data/boundaries/` at `/geo/…`. Release builds carry the files inside the binary; debug builds read them from the
//! source tree, so editing `web/` needs no rebuild. Nothing here reaches the network.
//!
//! Caching: the app's own files are `no-cache` (always revalidated, cheap thanks to the ETag), vendored libraries and
//! boundaries may be reused for a day. Unknown paths answer the API's 404 JSON.

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use rust_embed::{EmbeddedFile, RustEmbed};
use std::borrow::Cow;

#[derive(RustEmbed)]
#[folder = "../../web/"]
#[exclude = "*.md"]
struct WebFiles;

#[derive(RustEmbed)]
#[folder = "../../data/boundaries/"]
#[include = "xuzhou_districts.geojson"]
#[include = "china_provinces.geojson"]
#[include = "world_countries.geojson"]
#[include = "SOURCES.md"]
#[include = "LICENSES/*"]
struct BoundaryFiles;

/// Content security policy of the app page: everything from this server, nothing from elsewhere. MapLibre may start
/// its worker from a `blob:` URL; ECharts and MapLibre set inline styles.
const CSP: &str = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; \
                   img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; \
                   object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/// The content type of a file by its extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "geojson" => "application/geo+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "txt" | "md" => "text/plain; charset=utf-8",
        // LICENSE, NOTICE and other files without an extension are text.
        "" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A file by its request path, or None. Refuses anything that could leave the folders.
fn lookup(path: &str) -> Option<(EmbeddedFile, bool)> {
    let rel = path.strip_prefix('/')?;
    let escapes = !rel.is_empty() && rel.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..");
    if escapes || rel.contains('\\') {
        return None;
    }
    if let Some(geo) = rel.strip_prefix("geo/") {
        return BoundaryFiles::get(geo).map(|f| (f, true));
    }
    let rel = if rel.is_empty() { "index.html" } else { rel };
    let long_lived = rel.starts_with("vendor/");
    WebFiles::get(rel).map(|f| (f, long_lived))
}

/// Fallback handler: every GET that no API route took.
pub async fn asset(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    // The browsable API reference is a page of the web app.
    let path = match uri.path() {
        "/api/docs" | "/api/docs/" => "/docs.html",
        p => p,
    };
    if path.starts_with("/api/") {
        return crate::not_found().await;
    }
    let Some((file, long_lived)) = lookup(path) else {
        return crate::not_found().await;
    };
    if method != Method::GET && method != Method::HEAD {
        let refusal = crate::error::Code::MethodNotAllowed.msg("仅支持 GET 和 HEAD 请求 / only GET and HEAD");
        return ([(header::ALLOW, "GET, HEAD")], refusal).into_response();
    }
    let etag = etag(&file);
    let cache = if long_lived { "public, max-age=86400" } else { "no-cache" };
    let served = if path == "/" { "index.html" } else { path };
    let kind = content_type(served);
    let mut out = HeaderMap::new();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, v);
    }
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if kind.starts_with("text/html") {
        out.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        out.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    let body: Cow<'static, [u8]> = file.data;
    if method == Method::HEAD {
        out.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        return (StatusCode::OK, out).into_response();
    }
    (StatusCode::OK, out, body.into_owned()).into_response()
}

fn etag(file: &EmbeddedFile) -> String {
    let hash = file.metadata.sha256_hash();
    let hex: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("/vendor/maplibre-gl/maplibre-gl.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("/geo/china_provinces.geojson"), "application/geo+json");
        assert_eq!(content_type("/vendor/echarts/LICENSE"), "text/plain; charset=utf-8");
        assert_eq!(content_type("/x.bin"), "application/octet-stream");
    }

    #[test]
    fn refuses_paths_that_leave_the_folders() {
        for p in ["/../Cargo.toml", "/geo/../../Cargo.toml", "/vendor//x", "/./index.html", "/a\\b"] {
            assert!(lookup(p).is_none(), "{p}");
        }
        assert!(lookup("/").is_some(), "index.html is embedded");
        assert!(lookup("/geo/xuzhou_districts.geojson").is_some());
        assert!(lookup("/geo/china_prefectures.geojson").is_none(), "not embedded");
    }
}
