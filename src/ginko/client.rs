//! Transport: one `reqwest::Client`, POST form bodies, the `{ok, objets}`
//! envelope, size and time limits, and errors that never carry the key.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use serde::de::{IgnoredAny, MapAccess};
use serde_json::Value;
use serde_json::value::RawValue;

use super::error::ApiError;
use super::lenient::{Compound, Key, Lenient, Tolerant, compound};
use crate::network::http::error_chain;
pub use crate::network::http::is_loopback;
use crate::sanitize;
use crate::secret::Keys;

/// The default base URL of the Ginko API.
pub const DEFAULT_BASE_URL: &str = "https://api.ginko.voyage";
/// Answers larger than this are refused.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// How much of a body an error message quotes.
const EXCERPT_CHARS: usize = 160;

/// A Ginko API key (sent in the request body only).
pub use crate::secret::Secret as ApiKey;

/// Time limits of the client.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(10),
        }
    }
}

/// Checks a base URL: HTTPS, or plain HTTP to a loopback host only (as
/// for every network).
pub fn parse_base_url(text: &str) -> Result<Url, String> {
    crate::network::http::parse_base_url(text)
}

/// The parameters of one call, encoded the Ginko way.
#[derive(Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new() -> Self {
        Params::default()
    }

    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.0.push((name.to_string(), value.into()));
        self
    }

    /// Booleans travel as `1`/`0`.
    pub fn flag(self, name: &str, value: bool) -> Self {
        self.text(name, if value { "1" } else { "0" })
    }

    /// Arrays travel as one parameter joined with `~`; a value holding `~`
    /// cannot be sent and is refused here.
    pub fn list<S: AsRef<str>>(self, name: &str, values: &[S]) -> Result<Self, ApiError> {
        if let Some(bad) = values.iter().find(|v| v.as_ref().contains('~')) {
            return Err(ApiError::InvalidParam {
                name: name.to_string(),
                reason: format!(
                    "{:?} contains '~', which the API uses to separate list values",
                    sanitize::text(bad.as_ref())
                ),
            });
        }
        let joined = values
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join("~");
        Ok(self.text(name, joined))
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// The asynchronous Ginko client. Cheap to clone: clones share one
/// connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    key: Option<ApiKey>,
    /// The key as masked in every answer.
    keys: Keys,
    timeouts: Timeouts,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base.as_str())
            .field("key", &self.inner.key)
            .finish()
    }
}

impl Client {
    /// A client for `base` (already checked by [`parse_base_url`]).
    pub fn new(base: Url, key: Option<ApiKey>) -> Result<Self, ApiError> {
        Client::with_timeouts(base, key, Timeouts::default())
    }

    pub fn with_timeouts(
        base: Url,
        key: Option<ApiKey>,
        timeouts: Timeouts,
    ) -> Result<Self, ApiError> {
        // No redirect: one could carry the form body, and so the key, elsewhere.
        let http =
            crate::network::http::client(timeouts.connect, timeouts.request).map_err(|detail| {
                ApiError::Transport {
                    method: "-".into(),
                    detail,
                }
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                keys: Keys::new([key.as_ref()]),
                key,
                timeouts,
            }),
        })
    }

    /// Whether the server is on this machine (the demo server, tests).
    pub fn base_url_is_local(&self) -> bool {
        is_loopback(&self.inner.base)
    }

    #[cfg(feature = "wire")]
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    pub fn has_key(&self) -> bool {
        self.inner.key.is_some()
    }

    /// The URL of a method: base + path + `.do`.
    fn method_url(&self, method: &str) -> Result<Url, ApiError> {
        let path = method.trim_matches('/');
        let valid = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '_');
        if !valid {
            return Err(ApiError::InvalidParam {
                name: "method".into(),
                reason: format!(
                    "{:?} is not a method path like TR/getListeTemps",
                    sanitize::text(method)
                ),
            });
        }
        let mut url = self.inner.base.clone();
        let base_path = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base_path}/{path}.do"));
        Ok(url)
    }

    /// Calls a method that needs the key and returns the decoded `objets`.
    pub async fn call(&self, method: &str, params: Params) -> Result<Value, ApiError> {
        self.call_as(method, params, "any JSON value").await
    }

    /// Calls a method without a key (only `DR/getCleTemporaire` needs none).
    pub async fn call_without_key(&self, method: &str, params: Params) -> Result<Value, ApiError> {
        self.call_without_key_as(method, params, "any JSON value")
            .await
    }

    /// Calls a method and decodes `objets` as `T`.
    pub async fn call_as<T: Lenient>(
        &self,
        method: &str,
        params: Params,
        expected: &str,
    ) -> Result<T, ApiError> {
        let key = self.inner.key.as_ref().ok_or(ApiError::MissingKey)?;
        let params = params.text("apiKey", key.expose());
        self.call_without_key_as(method, params, expected).await
    }

    /// Calls a method without adding the key and decodes `objets` as `T`.
    pub async fn call_without_key_as<T: Lenient>(
        &self,
        method: &str,
        params: Params,
        expected: &str,
    ) -> Result<T, ApiError> {
        let bytes = self.send(method, params).await?;
        self.decode_body(method, &bytes, expected)
    }

    /// Decodes a whole answer body of `method`: the key masked, the
    /// envelope, then `objets` as `T`, straight from the bytes. An answer
    /// nested deeper than [`sanitize::MAX_JSON_DEPTH`] is an error; a
    /// number out of range loses its value only.
    pub fn decode_body<T: Lenient>(
        &self,
        method: &str,
        bytes: &[u8],
        expected: &str,
    ) -> Result<T, ApiError> {
        let mut masked = bytes.to_vec();
        self.inner.keys.mask(&mut masked);
        // Most answers are well formed: the envelope and `objets` read in
        // one pass (serde_json refuses what nests deeper than 128 levels
        // and numbers out of range). Anything else is checked, then read
        // again in two, which says what is wrong and quotes it.
        if let Some(value) = one_pass::<T>(&masked) {
            return Ok(value);
        }
        let bytes = sanitize::json_answer(&masked).map_err(|detail| ApiError::Decode {
            method: method.to_string(),
            expected: expected.to_string(),
            detail,
            excerpt: self.excerpt(&masked),
        })?;
        let objets = self.unwrap_envelope(method, &bytes)?;
        let text = objets.map_or("null", RawValue::get);
        let mut deserializer = serde_json::Deserializer::from_str(text);
        match T::lenient(&mut deserializer) {
            Ok(Some(value)) => Ok(value),
            outcome => Err(ApiError::Decode {
                method: method.to_string(),
                expected: expected.to_string(),
                detail: match outcome {
                    Err(e) => e.to_string(),
                    Ok(_) => "objets has another shape".into(),
                },
                excerpt: self.excerpt(text.as_bytes()),
            }),
        }
    }

    /// Sends a call and returns the body of a 200 answer.
    async fn send(&self, method: &str, params: Params) -> Result<Vec<u8>, ApiError> {
        let url = self.method_url(method)?;
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.pairs())
            .finish();
        let response = self
            .inner
            .http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| self.transport_error(method, e))?;
        let status = response.status();
        let bytes = self.read_limited(method, response).await?;
        if status != reqwest::StatusCode::OK {
            return Err(ApiError::Http {
                method: method.to_string(),
                status: status.as_u16(),
                excerpt: self.excerpt(&bytes),
            });
        }
        Ok(bytes)
    }

    async fn read_limited(
        &self,
        method: &str,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, ApiError> {
        let too_large = || ApiError::TooLarge {
            method: method.to_string(),
            limit: MAX_BODY_BYTES,
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(method, e))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// The `objets` of a successful answer, still as JSON text (`None`
    /// when absent), or the server's refusal.
    fn unwrap_envelope<'a>(
        &self,
        method: &str,
        bytes: &'a [u8],
    ) -> Result<Option<&'a RawValue>, ApiError> {
        let decode_error = |detail: String| ApiError::Decode {
            method: method.to_string(),
            expected: "expect_envelope".into(),
            detail,
            excerpt: self.excerpt(bytes),
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(decode_error(crate::i18n::t("answer_empty").into()));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let envelope = Envelope::read(&mut deserializer)
            .and_then(|envelope| deserializer.end().map(|()| envelope))
            .map_err(|e| decode_error(e.to_string()))?
            .ok_or_else(|| decode_error(crate::i18n::t("answer_not_object").into()))?;
        match envelope.ok {
            Some(true) => Ok(envelope.objets),
            Some(false) => {
                let msg = self.scrub(&envelope.msg.unwrap_or_default());
                if mentions_key(&msg) {
                    Err(ApiError::KeyRefused {
                        method: method.to_string(),
                        msg,
                    })
                } else {
                    Err(ApiError::Refused {
                        method: method.to_string(),
                        msg,
                    })
                }
            }
            None => Err(decode_error("no boolean \"ok\" field".into())),
        }
    }

    fn transport_error(&self, method: &str, error: reqwest::Error) -> ApiError {
        let method = method.to_string();
        if error.is_timeout() {
            return ApiError::Timeout {
                method,
                after: self.inner.timeouts.request,
            };
        }
        let is_connect = error.is_connect();
        let detail = self.scrub(&error_chain(&error.without_url()));
        if is_connect {
            ApiError::Connect { method, detail }
        } else {
            ApiError::Transport { method, detail }
        }
    }

    /// A short, single-line, sanitised, key-free quote of a body.
    fn excerpt(&self, bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let clean = sanitize::text(&self.scrub(&text));
        let mut out: String = clean.chars().take(EXCERPT_CHARS).collect();
        if clean.chars().count() > EXCERPT_CHARS {
            out.push('…');
        }
        if out.is_empty() {
            out.push_str("(empty)");
        }
        out
    }

    /// Removes the key from a text that the server or the OS produced
    /// (and shows the key masked in the answer as `***` too).
    fn scrub(&self, text: &str) -> String {
        match &self.inner.key {
            Some(key) if key.expose().len() >= Keys::MIN_MASKED => {
                let mut bytes = text.as_bytes().to_vec();
                Keys::new([Some(key)]).mask(&mut bytes);
                String::from_utf8_lossy(&bytes).replace(&"*".repeat(key.expose().len()), "***")
            }
            Some(key) if !key.expose().is_empty() => text.replace(key.expose(), "***"),
            _ => text.to_string(),
        }
    }
}

/// The envelope of every answer, `objets` left as JSON text to be decoded
/// as the caller's type.
struct Envelope<'a> {
    ok: Option<bool>,
    msg: Option<String>,
    objets: Option<&'a RawValue>,
}

impl<'a> Envelope<'a> {
    fn read<D: serde::Deserializer<'a>>(deserializer: D) -> Result<Option<Self>, D::Error> {
        struct Fields;
        impl<'a> Compound<'a> for Fields {
            type Out = Envelope<'a>;
            fn map<A: MapAccess<'a>>(self, mut map: A) -> Result<Option<Envelope<'a>>, A::Error> {
                let mut out = Envelope {
                    ok: None,
                    msg: None,
                    objets: None,
                };
                while let Some(key) = map.next_key::<Key<'a>>()? {
                    match key.as_str() {
                        "ok" => out.ok = map.next_value::<Tolerant<bool>>()?.0,
                        "msg" => out.msg = map.next_value::<Tolerant<String>>()?.0,
                        "objets" => out.objets = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Some(out))
            }
        }
        compound(deserializer, Fields)
    }
}

/// `objets` of a well-formed successful answer read as `T` in the same
/// pass as the envelope: `None` for anything else (a refusal, no `objets`,
/// another shape, malformed JSON), which [`Client::decode_body`] reads again
/// to say why.
fn one_pass<T: Lenient>(bytes: &[u8]) -> Option<T> {
    struct Objets<T>(std::marker::PhantomData<T>);
    impl<'de, T: Lenient> serde::de::DeserializeSeed<'de> for Objets<T> {
        type Value = Option<T>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            T::lenient(d)
        }
    }
    struct Fields<T>(std::marker::PhantomData<T>);
    impl<'a, T: Lenient> Compound<'a> for Fields<T> {
        type Out = (Option<bool>, Option<T>);
        fn map<A: MapAccess<'a>>(self, mut map: A) -> Result<Option<Self::Out>, A::Error> {
            let (mut ok, mut objets) = (None, None);
            while let Some(key) = map.next_key::<Key<'a>>()? {
                match key.as_str() {
                    "ok" => ok = map.next_value::<Tolerant<bool>>()?.0,
                    "objets" => objets = map.next_value_seed(Objets::<T>(std::marker::PhantomData))?,
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(Some((ok, objets)))
        }
    }
    // The body checked as UTF-8 once, whole, not each of its strings (a
    // fifth of the read): an answer that is not UTF-8 is left to the two
    // passes, which say where.
    let text = std::str::from_utf8(bytes).ok()?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = compound(&mut deserializer, Fields::<T>(std::marker::PhantomData)).ok()??;
    deserializer.end().ok()?;
    match read {
        (Some(true), Some(value)) => Some(value),
        _ => None,
    }
}

/// Whether a refusal message is about the key ("clé", "key", "apiKey").
fn mentions_key(msg: &str) -> bool {
    let lower = msg.to_lowercase();
    lower.contains("clé") || lower.contains("cle ") || lower.contains("key")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass read gives what the two-pass one gives, or leaves the
    /// answer to it: on answers well formed or not, `objets` before or
    /// after `ok`, refused, of another shape, repeated, cut.
    #[test]
    fn one_pass_reads_what_two_passes_read() {
        use super::super::model::FormTempsLieu;
        let c = Client::new(parse_base_url("http://127.0.0.1:1").unwrap(), None).unwrap();
        let list = r#"[{"nomExact": "Chamars", "listeTemps": [{"idLigne": "3", "sensAller": true, "temps": "2 min", "fiable": 1}]}]"#;
        let bodies = [
            format!(r#"{{"ok": true, "objets": {list}}}"#),
            format!(r#"{{"objets": {list}, "ok": 1, "msg": "x"}}"#),
            format!(r#"{{"ok": false, "msg": "clé refusée", "objets": {list}}}"#),
            r#"{"ok": true, "objets": {"not": "a list"}}"#.to_string(),
            r#"{"ok": true}"#.to_string(),
            format!(r#"{{"ok": true, "objets": {list}, "objets": 3}}"#),
            format!(r#"{{"ok": true, "objets": {list}"#),
            format!(r#"{{"ok": true, "objets": {list}}} trailing"#),
            "[1, 2]".to_string(),
        ];
        let mut fast = 0;
        for body in &bodies {
            let bytes = body.as_bytes();
            let whole = c.decode_body::<Vec<FormTempsLieu>>("TR/getListeTemps", bytes, "a list");
            match one_pass::<Vec<FormTempsLieu>>(bytes) {
                Some(value) => {
                    fast += 1;
                    // What the two passes read, without the one.
                    let objets = c.unwrap_envelope("TR/getListeTemps", bytes).unwrap();
                    let text = objets.map_or("null", RawValue::get);
                    let slow = Vec::<FormTempsLieu>::lenient(
                        &mut serde_json::Deserializer::from_str(text),
                    );
                    assert_eq!(format!("{:?}", slow.unwrap()), format!("{:?}", Some(&value)), "{body}");
                    assert_eq!(format!("{whole:?}"), format!("{:?}", Ok::<_, ()>(value)), "{body}");
                }
                None => assert!(whole.is_err() || body == &bodies[1], "{body}: {whole:?}"),
            }
        }
        assert_eq!(fast, 2, "the two well-formed answers are read in one pass");
        // Not UTF-8 (a Latin-1 "â"): left to the two passes, which say
        // where it is wrong.
        let latin1 = b"{\"ok\": true, \"objets\": [{\"nomExact\": \"Ch\xe2mars\", \"listeTemps\": []}]}";
        assert!(one_pass::<Vec<FormTempsLieu>>(latin1).is_none());
        let err = c
            .decode_body::<Vec<FormTempsLieu>>("TR/getListeTemps", latin1, "a list")
            .unwrap_err();
        let ApiError::Decode { detail, .. } = &err else {
            panic!("{err:?}");
        };
        assert!(detail.contains("line 1 column 41"), "{detail}");
    }

    #[test]
    fn a_decode_error_quotes_the_start_of_objets() {
        let big: Vec<Value> = (0..2000)
            .map(|i| serde_json::json!({"nomExact": format!("Arrêt é{i}"), "x": [i, "\u{1b}[2J"]}))
            .collect();
        let objets = serde_json::json!({"not": "a list", "big": big}).to_string();
        let body = format!(r#"{{"ok": true, "objets": {objets}}}"#);
        let c = Client::new(parse_base_url("http://127.0.0.1:1").unwrap(), None).unwrap();
        let err = c
            .decode_body::<Vec<super::super::model::FormTempsLieu>>(
                "TR/getListeTemps",
                body.as_bytes(),
                "a list",
            )
            .unwrap_err();
        let ApiError::Decode { excerpt, .. } = &err else {
            panic!("{err:?}");
        };
        let start: String = sanitize::text(&objets)
            .chars()
            .take(EXCERPT_CHARS)
            .collect();
        assert_eq!(excerpt, &format!("{start}…"));
        assert!(!excerpt.contains('\u{1b}'));
        let err = c
            .decode_body::<Vec<i64>>("TR/getListeTemps", br#"{"ok":1,"objets":"x"}"#, "a list")
            .unwrap_err();
        assert!(err.to_string().contains("\"x\""), "{err}");
        let ok = c.decode_body::<Vec<i64>>(
            "TR/getListeTemps",
            br#"{"ok":"1","objets":[1,"2",{}]}"#,
            "a list",
        );
        assert_eq!(ok.unwrap(), vec![1, 2]);
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(parse_base_url("https://api.ginko.voyage").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8080").is_ok());
        assert!(parse_base_url("http://127.3.4.5").is_ok());
        assert!(parse_base_url("http://localhost:9000/").is_ok());
        assert!(parse_base_url("http://[::1]:9000").is_ok());
        let err = parse_base_url("http://api.ginko.voyage").unwrap_err();
        assert!(err.contains("pas de http:// en clair"), "{err}");
        assert!(parse_base_url("http://192.168.1.2").is_err());
        assert!(parse_base_url("ftp://127.0.0.1").is_err());
        assert!(parse_base_url("https://user:pw@api.ginko.voyage").is_err());
    }

    #[test]
    fn method_urls_keep_a_base_path() {
        let c = Client::new(parse_base_url("http://127.0.0.1:1/api/").unwrap(), None).unwrap();
        assert_eq!(
            c.method_url("TR/getListeTemps").unwrap().as_str(),
            "http://127.0.0.1:1/api/TR/getListeTemps.do"
        );
        assert!(c.method_url("../etc?x=1").is_err());
    }

    #[test]
    fn the_key_does_not_show_in_debug() {
        let key = ApiKey::new("  s3cr3t ").unwrap();
        assert_eq!(key.expose(), "s3cr3t");
        let c = Client::new(parse_base_url("http://127.0.0.1:1").unwrap(), Some(key)).unwrap();
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert!(ApiKey::new("   ").is_none());
    }

    #[test]
    fn lists_are_joined_and_tildes_refused() {
        let p = Params::new()
            .list("listeNoms", &["Ile de France", "Poste"])
            .unwrap();
        assert_eq!(p.pairs()[0].1, "Ile de France~Poste");
        assert!(matches!(
            Params::new().list("listeNoms", &["a~b"]),
            Err(ApiError::InvalidParam { .. })
        ));
        assert_eq!(Params::new().flag("x", true).pairs()[0].1, "1");
    }
}
