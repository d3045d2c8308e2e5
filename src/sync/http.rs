//! sync/http (wasm): the [`Transport`] over the browser's `fetch` (gloo-net), with cookies
//! sent cross-origin (`credentials: include`, for the `_session` cookie), an optional Basic
//! header held in memory only, and a client-side time limit that aborts the request.

use futures::future::{select, Either};
use futures::pin_mut;
use gloo_net::http::{Method as GMethod, RequestBuilder};
use gloo_timers::future::TimeoutFuture;
use serde_json::Value as Json;
use web_sys::{AbortController, RequestCredentials};

use super::protocol::{basic_auth, normalize_url};
use super::transport::{HttpRequest, HttpResponse, Method, Transport, TransportError};

/// `fetch` to one server.
#[derive(Clone, Debug)]
pub struct FetchTransport {
    base: String,
    /// The `Authorization` header value for Basic auth (memory only).
    authorization: Option<String>,
}

impl FetchTransport {
    pub fn new(server_url: &str) -> Self {
        FetchTransport {
            base: normalize_url(server_url),
            authorization: None,
        }
    }
    /// Sends `Authorization: Basic …` with every request.
    pub fn with_basic(mut self, name: &str, password: &str) -> Self {
        self.authorization = Some(basic_auth(name, password));
        self
    }
}

impl Transport for FetchTransport {
    async fn request(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let controller =
            AbortController::new().map_err(|e| TransportError::Network(format!("{e:?}")))?;
        let signal = controller.signal();
        // A request dropped before it finished (a long-poll given up) is aborted, so no
        // connection is left hanging.
        let mut guard = AbortOnDrop(Some(controller));
        let method = match req.method {
            Method::Get => GMethod::GET,
            Method::Put => GMethod::PUT,
            Method::Post => GMethod::POST,
            Method::Delete => GMethod::DELETE,
        };
        let mut b = RequestBuilder::new(&format!("{}{}", self.base, req.path))
            .method(method)
            .credentials(RequestCredentials::Include)
            .header("Accept", "application/json")
            .abort_signal(Some(&signal));
        if let Some(a) = &self.authorization {
            b = b.header("Authorization", a);
        }
        let built = match &req.body {
            // Handed to fetch as its UTF-8 bytes: one copy, where a JS string would be decoded
            // from UTF-8 and encoded back by fetch (a push's bodies are ~30 MB per 10,000).
            Some(body) => b
                .header("Content-Type", "application/json")
                .body(js_sys::Uint8Array::from(body.as_bytes())),
            None => b.build(),
        }
        .map_err(|e| TransportError::Network(e.to_string()))?;
        let send = async move {
            let resp = built
                .send()
                .await
                .map_err(|e| TransportError::Network(e.to_string()))?;
            let status = resp.status();
            // The body's bytes as they came, parsed in place: not decoded into a JS string and
            // encoded back to UTF-8 for wasm (a pull's pages are ~1 MB each).
            let bytes = resp
                .binary()
                .await
                .map_err(|e| TransportError::Network(e.to_string()))?;
            let body = serde_json::from_slice::<Json>(&bytes).unwrap_or(Json::Null);
            Ok(HttpResponse { status, body })
        };
        let timer = TimeoutFuture::new(req.timeout_ms);
        pin_mut!(send);
        match select(send, timer).await {
            Either::Left((r, _)) => {
                guard.0 = None;
                r
            }
            Either::Right(_) => Err(TransportError::Timeout),
        }
    }
}

struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.abort();
        }
    }
}
