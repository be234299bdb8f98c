//! What the integration tests share: the binary, fixtures, and a scratch data directory to run it in.
#![allow(dead_code)]

use chainscope_model::Enterprise;
use chainscope_store::prelude::*;
use chainscope_store::{KindCounts, SqliteStore};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_chainscope");

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join(name)
}

/// The password of every test account (and of the first administrator, via `CHAINSCOPE_ADMIN_PASSWORD`).
pub const TEST_PASSWORD: &str = "Test-password-2026";

/// A signed-in session: its cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A scratch directory with a data directory `data/` inside it; commands run with it as working directory.
pub struct Env {
    tmp: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Self {
        Self { tmp: tempfile::Builder::new().prefix("chainscope-cli-test").tempdir().expect("temp dir") }
    }

    /// A data directory initialised with `init --empty` (taxonomy and regions only).
    pub fn empty() -> Self {
        let env = Self::new();
        env.ok(&["init", "--empty"]);
        env
    }

    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    pub fn data(&self) -> PathBuf {
        self.dir().join("data")
    }

    pub fn db(&self) -> PathBuf {
        self.data().join("chainscope.db")
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    /// Copy a fixture into the scratch directory (an import writes its default reject file next to its input).
    pub fn fixture(&self, name: &str) -> String {
        let to = self.file(name);
        std::fs::copy(fixture(name), &to).unwrap_or_else(|e| panic!("copy fixture {name}: {e}"));
        to.display().to_string()
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--data-dir")
            .arg(self.data())
            .args(args)
            .current_dir(self.dir())
            .env_remove("CHAINSCOPE_DATA_DIR")
            .env_remove("CHAINSCOPE_LOG")
            // `init` and the first `serve` create the administrator with this password.
            .env("CHAINSCOPE_ADMIN_PASSWORD", TEST_PASSWORD)
            .stdin(Stdio::null());
        c
    }

    /// Add an account with [`TEST_PASSWORD`]; `extra` gives its scope (`--regions 320312`, …).
    pub fn add_user(&self, username: &str, role: &str, extra: &[&str]) {
        use std::io::Write;
        let mut args = vec!["user", "add", username, "--role", role, "--password-stdin"];
        args.extend_from_slice(extra);
        let mut child = self.cmd(&args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("user add");
        child.stdin.take().expect("stdin").write_all(format!("{TEST_PASSWORD}\n").as_bytes()).expect("write password");
        let out = child.wait_with_output().expect("user add output");
        assert!(out.status.success(), "user add {username}: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run chainscope")
    }

    /// Run and require success.
    pub fn ok(&self, args: &[&str]) -> Output {
        let o = self.run(args);
        assert!(o.status.success(), "chainscope {args:?} failed ({:?}):\n{}", o.status, text(&o.stderr));
        o
    }

    /// Run, require the given exit code, and parse stdout as JSON.
    pub fn json_with_code(&self, args: &[&str], code: i32) -> Value {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(code), "chainscope {args:?}: unexpected exit status; stderr:\n{}", text(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("chainscope {args:?}: stdout is not JSON ({e}):\n{}", text(&o.stdout)))
    }

    pub fn json(&self, args: &[&str]) -> Value {
        self.json_with_code(args, 0)
    }

    pub fn store(&self) -> SqliteStore {
        SqliteStore::open(&self.db()).expect("open the store file")
    }

    pub fn counts(&self) -> KindCounts {
        self.store().counts().expect("counts")
    }

    pub fn enterprises(&self) -> Vec<Enterprise> {
        let mut out = Vec::new();
        self.store().for_each_enterprise(&mut |e| out.push(e)).expect("read enterprises");
        out
    }

    /// Export a kind to a file in the scratch directory and return the file's bytes.
    pub fn export(&self, kind: &str, name: &str, extra: &[&str]) -> Vec<u8> {
        let path = self.file(name);
        let mut args = vec!["export", "--kind", kind];
        args.extend_from_slice(extra);
        let p = path.display().to_string();
        args.push(&p);
        self.ok(&args);
        std::fs::read(&path).expect("read the export")
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `chainscope serve` on a free loopback port over an [`Env`]'s data directory; stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub addr: String,
}

/// One HTTP answer.
pub struct Reply {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// Start serving; `env` adds environment variables (e.g. a short reload interval).
    pub fn start(data: &Env, env: &[(&str, &str)]) -> Self {
        use std::io::{BufRead, BufReader};
        let mut cmd = data.cmd(&["serve", "--port", "0"]);
        cmd.stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines.next().expect("serve ended before listening").expect("stderr line");
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.trim().to_string();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr }
    }

    /// GET with extra request headers; the body is read to the end (the server closes the connection).
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).expect("connect");
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).expect("send");
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).expect("read");
        let split = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let mut body = buf[split + 4..].to_vec();
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|c| c.parse().ok()).unwrap_or(0);
        let headers: Vec<(String, String)> =
            lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
        if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
            body = dechunk(&body);
        }
        Reply { status, headers, body }
    }

    pub fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[])
    }

    /// A request with a JSON body (POST, PATCH, PUT), without a session.
    pub fn send(&self, method: &str, path: &str, body: &Value) -> Reply {
        self.raw(method, path, &[], Some(body))
    }

    /// A request with a JSON body as a signed-in session (cookie and CSRF header).
    pub fn send_as(&self, who: &Session, method: &str, path: &str, body: &Value) -> Reply {
        self.raw(method, path, &[("Cookie", &who.cookie), ("X-CSRF-Token", &who.csrf)], Some(body))
    }

    /// GET as a signed-in session.
    pub fn get_as(&self, who: &Session, path: &str) -> Reply {
        self.get_with(path, &[("Cookie", &who.cookie)])
    }

    /// GET as a session and require a 200 with JSON.
    pub fn json_as(&self, who: &Session, path: &str) -> Value {
        let r = self.get_as(who, path);
        assert_eq!(r.status, 200, "GET {path}: {}", String::from_utf8_lossy(&r.body));
        r.json()
    }

    /// Sign in and return the session.
    pub fn login(&self, username: &str, password: &str) -> Session {
        let r = self.send("POST", "/api/v1/auth/login", &serde_json::json!({"username": username, "password": password}));
        assert_eq!(r.status, 200, "login {username}: {}", String::from_utf8_lossy(&r.body));
        let cookie = r
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .map(str::to_string)
            .unwrap_or_else(|| panic!("login {username} set no cookie"));
        Session { cookie, csrf: r.json()["csrf"].as_str().expect("csrf").to_string() }
    }

    /// Any request with extra headers and an optional JSON body.
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> Reply {
        self.raw_text(method, path, headers, &body.map(|b| b.to_string()).unwrap_or_default())
    }

    /// Any request with extra headers and a body sent as it is (JSON or not).
    pub fn raw_text(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).expect("connect");
        let mut extra = String::new();
        for (k, v) in headers {
            extra.push_str(&format!("{k}: {v}\r\n"));
        }
        // A Host among the extra headers replaces the default (the server's address).
        let host =
            if headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) { String::new() } else { format!("Host: {}\r\n", self.addr) };
        let req = format!(
            "{method} {path} HTTP/1.1\r\n{host}Content-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).expect("send");
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).expect("read");
        let split = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let mut out = buf[split + 4..].to_vec();
        let mut lines = head.lines();
        let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|c| c.parse().ok()).unwrap_or(0);
        let headers: Vec<(String, String)> =
            lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
        if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
            out = dechunk(&out);
        }
        Reply { status, headers, body: out }
    }

    /// GET and require a 200 with a JSON body.
    pub fn json(&self, path: &str) -> Value {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", String::from_utf8_lossy(&r.body));
        r.json()
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(nl) = b.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..nl]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + size]);
        b = &b[nl + 2 + size + 2..];
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
