//! Catching the authorization redirect on a loopback port (RFC 8252 §7.3): a tiny one-shot HTTP listener on
//! 127.0.0.1 that answers the browser with a short page and hands back the query of `/callback`. Over SSH the
//! browser runs elsewhere, so the user may paste the redirected URL instead; whichever comes first wins.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::auth::error::{AuthError, AuthErrorKind};

pub const CALLBACK_PATH: &str = "/callback";

pub struct Loopback {
    listener: TcpListener,
    pub port: u16,
}

impl Loopback {
    /// Binds 127.0.0.1:`port` (0 = any free port).
    pub async fn bind(port: u16) -> Result<Loopback, AuthError> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            AuthError::new(
                AuthErrorKind::Config,
                "redirect listener",
                format!("cannot listen on 127.0.0.1:{port}: {e}"),
            )
            .check("another program uses that port: change `redirect_port` (and the redirect URI registered with the provider)")
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
        Ok(Loopback { listener, port })
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// The query pairs of the first redirect to `/callback` (or of a pasted URL), within `timeout`. The page shown in
    /// the browser tells the truth: a callback whose `state` is not `expected_state` is said to be rejected (the
    /// caller rejects it too).
    pub async fn wait(
        self,
        timeout: Duration,
        mut pasted: Option<UnboundedReceiver<String>>,
        expected_state: &str,
    ) -> Result<Vec<(String, String)>, AuthError> {
        let port = self.port;
        let from_browser = async {
            loop {
                let Ok((mut stream, _)) = self.listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let mut buf = vec![0u8; 8192];
                let mut len = 0;
                // Read until the end of the request head; the browser sends no body on a GET.
                while len < buf.len() {
                    match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf[len..])).await {
                        Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
                        Ok(Ok(n)) => len += n,
                    }
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let head = String::from_utf8_lossy(&buf[..len]).into_owned();
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let Some(pairs) = callback_query(&format!("http://127.0.0.1{target}")) else {
                    let _ = stream
                        .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                    continue;
                };
                let denied = pairs.iter().any(|(k, _)| k == "error");
                let state_ok = pairs.iter().any(|(k, v)| k == "state" && v == expected_state);
                let page = if denied {
                    "<h1>Authorization refused</h1><p>apix got the answer. You can close this tab.</p>"
                } else if !state_ok {
                    "<h1>Sign-in rejected</h1><p>This answer does not belong to the login apix started (its state does not match), so apix did not accept it. Start the login again from apix.</p>"
                } else {
                    "<h1>Signed in</h1><p>apix received the authorization. You can close this tab and return to the terminal.</p>"
                };
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(resp.as_bytes()).await;
                let _ = stream.shutdown().await;
                return pairs;
            }
        };
        let from_paste = async {
            let Some(rx) = pasted.as_mut() else {
                return std::future::pending().await;
            };
            while let Some(line) = rx.recv().await {
                if let Some(pairs) = callback_query(line.trim()) {
                    return pairs;
                }
            }
            std::future::pending().await
        };
        tokio::select! {
            p = from_browser => Ok(p),
            p = from_paste => Ok(p),
            _ = tokio::time::sleep(timeout) => Err(AuthError::new(
                AuthErrorKind::Timeout,
                "authorization",
                format!("redirect never arrived on 127.0.0.1:{port} within {} s", timeout.as_secs()),
            )
            .check("finish the login in the browser; if the browser runs on another machine (SSH), paste the URL it was redirected to")),
        }
    }
}

/// The query pairs of a redirected URL, if it is a callback (has `code` or `error`).
pub fn callback_query(url: &str) -> Option<Vec<(String, String)>> {
    let u = url::Url::parse(url).ok()?;
    let pairs: Vec<(String, String)> = u.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.iter().any(|(k, _)| k == "code" || k == "error").then_some(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn page_for(query: &str) -> String {
        let lb = Loopback::bind(0).await.unwrap();
        let port = lb.port;
        let waiting = tokio::spawn(lb.wait(Duration::from_secs(5), None, "good-state"));
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(format!("GET /callback?{query} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut page = String::new();
        s.read_to_string(&mut page).await.unwrap();
        let pairs = waiting.await.unwrap().unwrap();
        assert!(pairs.iter().any(|(k, _)| k == "code" || k == "error"));
        page
    }

    #[tokio::test]
    async fn the_page_tells_the_truth_about_the_state() {
        let forged = page_for("code=abc&state=forged").await;
        assert!(forged.contains("rejected") && !forged.contains("Signed in"), "{forged}");
        let missing = page_for("code=abc").await;
        assert!(missing.contains("rejected"), "{missing}");
        let good = page_for("code=abc&state=good-state").await;
        assert!(good.contains("Signed in"), "{good}");
    }
}
