//! Every failure the client can meet, said precisely, and never with the key.

mod support;

use std::time::Duration;

use quai::network::ginko::{ApiError, MAX_BODY_BYTES};
use support::{Reply, Scripted, client};

const KEY: &str = "CANARY-KEY-5f3e9a";

async fn fail_with(reply: Reply) -> ApiError {
    let server = Scripted::start(move |_| reply.clone()).await;
    let err = client(&server.url, KEY).lignes().await.unwrap_err();
    assert_key_absent(&err);
    err
}

fn assert_key_absent(err: &ApiError) {
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(KEY), "the key leaked: {shown}");
}

#[tokio::test]
async fn ok_false_is_a_refusal_with_the_servers_message() {
    let err = fail_with(Reply::json(r#"{"ok":false,"msg":"Ligne inconnue"}"#)).await;
    assert_eq!(
        err,
        ApiError::Refused {
            method: "DR/getLignes".into(),
            msg: "Ligne inconnue".into()
        }
    );
    assert!(err.to_string().contains("Ligne inconnue"));
}

#[tokio::test]
async fn a_refused_key_is_said_plainly_and_the_echoed_key_is_scrubbed() {
    let body = format!(r#"{{"ok":false,"msg":"Clé d'API invalide : {KEY}"}}"#);
    let err = fail_with(Reply::json(body)).await;
    let ApiError::KeyRefused { msg, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(msg, "Clé d'API invalide : ***");
    let text = err.to_string();
    assert!(text.contains("clé de l'API a été refusée"), "{text}");
    assert!(text.contains("quai key trial"), "{text}");
    assert!(!err.is_transient());
}

#[tokio::test]
async fn http_errors_with_html_bodies() {
    for status in [500, 502, 503] {
        let err = fail_with(Reply::html(
            status,
            &format!("<html><body><h1>Service Unavailable</h1><p>{KEY}</p></body></html>"),
        ))
        .await;
        let ApiError::Http {
            status: got,
            excerpt,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(*got, status);
        assert!(excerpt.contains("Service Unavailable"), "{excerpt}");
        assert!(err.is_transient());
        assert_eq!(err.short_reason(), format!("HTTP {status}"));
    }
}

#[tokio::test]
async fn truncated_empty_and_strange_bodies() {
    let err = fail_with(Reply::json(r#"{"ok":true,"objets":[{"id":"101","numLig"#)).await;
    assert!(
        matches!(err, ApiError::Decode { ref excerpt, .. } if excerpt.starts_with("{\"ok\":true")),
        "{err:?}"
    );
    let err = fail_with(Reply::json("")).await;
    assert!(
        matches!(err, ApiError::Decode { ref detail, .. } if detail == quai::i18n::t("answer_empty")),
        "{err:?}"
    );
    let err = fail_with(Reply::json("[1,2,3]")).await;
    assert!(matches!(err, ApiError::Decode { .. }), "{err:?}");
    let err = fail_with(Reply::json(r#"{"objets":[]}"#)).await;
    assert!(matches!(err, ApiError::Decode { .. }), "{err:?}");
    // The envelope is fine but objets has another shape.
    let err = fail_with(Reply::json(r#"{"ok":true,"objets":"oops"}"#)).await;
    let ApiError::Decode { expected, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(expected, "expect_lines");
    assert!(
        err.to_string().contains(quai::i18n::t("expect_lines")),
        "{err}"
    );
    // Control characters in the body do not reach the message raw.
    let err = fail_with(Reply::json("\u{1b}[2J not json")).await;
    assert!(!err.to_string().contains('\u{1b}'), "{err}");
}

#[tokio::test]
async fn a_server_slower_than_the_timeout() {
    let mut reply = Reply::json(r#"{"ok":true,"objets":[]}"#);
    reply.delay = Duration::from_secs(3);
    let err = fail_with(reply).await;
    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_refused_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = client(&url, KEY).lignes().await.unwrap_err();
    assert_key_absent(&err);
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    assert_eq!(err.short_reason(), "serveur injoignable");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let big = vec![b' '; MAX_BODY_BYTES + 10];
    // Announced by Content-Length…
    let mut announced = Reply::json("");
    announced.body = big.clone();
    let err = fail_with(announced).await;
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
    // …or not: the body ends when the connection closes.
    let mut streamed = Reply::json("");
    streamed.body = big;
    streamed.with_length = false;
    let err = fail_with(streamed).await;
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = Scripted::start(|_| Reply::json(r#"{"ok":true,"objets":[]}"#)).await;
    let target = format!("{}/DR/getLignes.do", elsewhere.url);
    let server = Scripted::start(move |_| {
        let mut r = Reply::html(307, "moved");
        r.headers.push(format!("Location: {target}"));
        r
    })
    .await;
    // A 307 would repeat the POST body, key included, at the new place.
    let err = client(&server.url, KEY).lignes().await.unwrap_err();
    assert!(matches!(err, ApiError::Http { status: 307, .. }), "{err:?}");
    assert!(elsewhere.requests().is_empty());
}
