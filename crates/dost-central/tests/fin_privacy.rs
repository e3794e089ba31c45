//! The FİN never stands in a request line or a header: a recording relay between client and
//! centre sees every byte the client sends, and only request bodies carry the FİN.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use common::{TOKEN, app, cfg};
use dost_api::{ApplicationQuery, SubmitBatch, VerifyRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const FIN: &str = "5AB12C7";

/// What clients sent through the relay, one buffer per connection.
type Capture = Arc<Mutex<Vec<Arc<Mutex<Vec<u8>>>>>>;

/// A TCP relay on 127.0.0.1 in front of `upstream` that records the client's bytes.
async fn recording_relay(upstream: SocketAddr) -> (SocketAddr, Capture) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let capture: Capture = Arc::default();
    let conns = capture.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let buf = Arc::new(Mutex::new(Vec::new()));
            conns.lock().unwrap().push(buf.clone());
            tokio::spawn(relay(client, upstream, buf));
        }
    });
    (addr, capture)
}

async fn relay(client: TcpStream, upstream: SocketAddr, seen: Arc<Mutex<Vec<u8>>>) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let up = async move {
        let mut buf = [0u8; 8192];
        loop {
            let n = match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            seen.lock().unwrap().extend_from_slice(&buf[..n]);
            if sw.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = sw.shutdown().await;
    };
    let down = async move {
        let _ = tokio::io::copy(&mut sr, &mut cw).await;
    };
    tokio::join!(up, down);
}

/// The request heads (request line and headers) of one connection's bytes, skipping bodies
/// by their `Content-Length`.
fn request_heads(mut bytes: &[u8]) -> Vec<String> {
    let mut heads = Vec::new();
    while let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
        let body_len = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        assert!(
            !head.to_ascii_lowercase().contains("transfer-encoding"),
            "chunked bodies are not expected here: {head}"
        );
        heads.push(head);
        bytes = &bytes[(end + 4 + body_len).min(bytes.len())..];
    }
    heads
}

fn everything(capture: &Capture) -> (Vec<String>, Vec<u8>) {
    let mut heads = Vec::new();
    let mut all = Vec::new();
    for conn in capture.lock().unwrap().iter() {
        let bytes = conn.lock().unwrap().clone();
        heads.extend(request_heads(&bytes));
        all.extend(bytes);
    }
    (heads, all)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn fin_travels_only_in_request_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let c = common::Central::start(cfg(dir.path())).await;
    let (relay_addr, capture) = recording_relay(c.addr).await;
    let base = format!("http://{relay_addr}{}", dost_api::API_PREFIX);
    let http = reqwest::Client::new();

    // Every call that carries a FİN, as the kiosk makes them.
    let resp = http
        .post(format!("{base}/applications"))
        .bearer_auth(TOKEN)
        .json(&SubmitBatch {
            applications: vec![app(1)],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = http
        .post(format!("{base}/citizens/verify"))
        .bearer_auth(TOKEN)
        .json(&VerifyRequest {
            fin: FIN.into(),
            document_number: "AA1234567".into(),
            chip: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = http
        .post(format!("{base}{}", dost_api::CITIZEN_APPLICATIONS_PATH))
        .bearer_auth(TOKEN)
        .json(&ApplicationQuery { fin: FIN.into() })
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let list: dost_api::ApplicationList = resp.json().await.unwrap();
    assert_eq!(list.applications.len(), 1);

    let (heads, all) = everything(&capture);
    assert_eq!(heads.len(), 3, "{heads:#?}");
    assert!(contains(&all, FIN), "the relay saw the FİN in the bodies");
    for head in &heads {
        assert!(!head.contains(FIN), "FİN in a request head:\n{head}");
    }

    // The check can fail: a request with the FİN in its URL is caught (and the centre has no
    // such route any more).
    let resp = http
        .get(format!("{base}/applications?fin={FIN}"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    let (heads, _) = everything(&capture);
    let leaked: Vec<_> = heads.iter().filter(|h| h.contains(FIN)).collect();
    assert_eq!(leaked.len(), 1, "{heads:#?}");
    assert!(leaked[0].starts_with("GET /v1/applications?fin="));
    c.stop().await;
}
