//! sync/transport: the one thing the replication engine needs from HTTP — send a request with
//! an optional JSON body, get a status and a JSON body back — as a trait, so the engine runs
//! over `fetch` in the browser (`sync::http`) and over a fake server in host tests.

use serde_json::Value as Json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// A request to the server. `path` starts with `/` and is relative to the server URL
/// (it may carry a query string).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub path: String,
    /// The JSON body as text (built once, sent as it is).
    pub body: Option<String>,
    /// Client-side time limit in milliseconds (PouchDB Server ignores `timeout=`).
    pub timeout_ms: u32,
}

impl HttpRequest {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        HttpRequest {
            method,
            path: path.into(),
            body: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
    pub fn get(path: impl Into<String>) -> Self {
        HttpRequest::new(Method::Get, path)
    }
    pub fn post(path: impl Into<String>, body: Json) -> Self {
        HttpRequest::post_text(path, body.to_string())
    }
    /// A POST of JSON already written as text (large batches are assembled as text).
    pub fn post_text(path: impl Into<String>, body: String) -> Self {
        HttpRequest {
            body: Some(body),
            ..HttpRequest::new(Method::Post, path)
        }
    }
    pub fn put(path: impl Into<String>, body: Json) -> Self {
        HttpRequest {
            body: Some(body.to_string()),
            ..HttpRequest::new(Method::Put, path)
        }
    }
    pub fn timeout(mut self, ms: u32) -> Self {
        self.timeout_ms = ms;
        self
    }
}

pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// A response: the status and the body as JSON (`Null` when empty or not JSON).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: Json,
}

impl HttpResponse {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The request never got an answer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TransportError {
    /// No connection, DNS failure, CORS refusal, connection dropped.
    #[error("network error: {0}")]
    Network(String),
    /// No answer within the time limit (the request was aborted).
    #[error("the server did not answer in time")]
    Timeout,
}

/// Sends HTTP requests to one server. Single-threaded, like the browser.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn request(&self, req: HttpRequest) -> Result<HttpResponse, TransportError>;
}
