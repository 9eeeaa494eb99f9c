//! Shared helpers for the auth tests: a collection written into a temp dir, sends through prepare → authorize →
//! send against the demo server, and scripted users for interactive flows.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apix::core::auth::{authorize, AuthContext, AuthError, Interaction};
use apix::core::collection::{load_collection, Collection};
use apix::core::http::{prepare, send, Exchange, PrepareContext, Prepared};
use tokio_util::sync::CancellationToken;

pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A collection folder with `collection.toml` and an environment `staging` whose base_url is the demo server.
pub fn collection(dir: &Path, base_url: &str, collection_toml: &str) -> PathBuf {
    let root = dir.join("api");
    write(&root, "collection.toml", collection_toml);
    write(
        &root,
        "environments/staging.toml",
        &format!("base_url = \"{base_url}\"\nclient_id = \"apix-demo-client\"\nclient_secret = \"{{{{env.CLIENT_SECRET}}}}\"\n"),
    );
    write(&root, ".env", "CLIENT_SECRET=apix-demo-client-secret\nWRONG_SECRET=not-the-secret\nAWS_SECRET=apix-demo-aws-secret\nDEMO_PASSWORD=apix-demo-password\n");
    root
}

pub struct Run {
    pub collection: Collection,
    pub tokens: PathBuf,
}

impl Run {
    pub fn new(root: &Path, tokens: &Path) -> Run {
        let collection = load_collection(root);
        assert!(collection.diagnostics.is_empty(), "{:#?}", collection.diagnostics);
        Run {
            collection,
            tokens: tokens.to_path_buf(),
        }
    }

    pub fn prepare(&self, rel: &str) -> Prepared {
        let def = self
            .collection
            .find_request(&self.collection.root.join(rel))
            .unwrap_or_else(|| panic!("no request {rel}"));
        let ctx = PrepareContext {
            collection: Some(&self.collection),
            environment: self.collection.environment("staging"),
            overrides: &[],
            demo_url: None,
            masked_preview: false,
            secrets: None,
            trust: None,
        };
        prepare(&ctx, def).unwrap_or_else(|e| panic!("prepare {rel}: {e}"))
    }

    pub fn ctx(&self, ui: Option<Arc<dyn Interaction>>) -> AuthContext {
        AuthContext {
            interaction: ui,
            token_dir: self.tokens.clone(),
            redirect_timeout: Duration::from_secs(20),
            force_new: false,
        }
    }

    /// prepare → authorize → send.
    pub async fn send(&self, rel: &str, ui: Option<Arc<dyn Interaction>>) -> Result<(Prepared, Exchange), AuthError> {
        let mut p = self.prepare(rel);
        authorize(&mut p, &self.ctx(ui), CancellationToken::new()).await?;
        let x = send(&p, CancellationToken::new(), None)
            .await
            .unwrap_or_else(|e| panic!("send {rel}: {e}"));
        Ok((p, x))
    }
}

pub fn body(x: &Exchange) -> serde_json::Value {
    serde_json::from_slice(&x.response.body).unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&x.response.body).into()))
}

/// A user who approves in a "browser": follows the authorization URL (the demo provider redirects at once), which
/// lands on apix's loopback listener. With `paste`, the redirect is not followed but pasted back instead (SSH).
pub struct Browser {
    pub paste: bool,
    pub seen: Mutex<Vec<String>>,
    tx: Mutex<Option<tokio::sync::mpsc::UnboundedSender<String>>>,
}

impl Browser {
    pub fn new(paste: bool) -> Arc<Browser> {
        Arc::new(Browser {
            paste,
            seen: Mutex::default(),
            tx: Mutex::default(),
        })
    }
}

impl Interaction for Browser {
    fn open_authorization(&self, url: &str, _redirect_uri: &str) {
        self.seen.lock().unwrap().push(url.to_string());
        let url = url.to_string();
        let paste = self.paste;
        let tx = self.tx.lock().unwrap().clone();
        tokio::spawn(async move {
            let policy = if paste {
                reqwest::redirect::Policy::none()
            } else {
                reqwest::redirect::Policy::limited(5)
            };
            let client = reqwest::Client::builder().redirect(policy).build().unwrap();
            let resp = client.get(&url).send().await.unwrap();
            if let (true, Some(tx)) = (paste, tx) {
                let location = resp.headers()["location"].to_str().unwrap().to_string();
                tx.send(format!("  {location}  ")).unwrap();
            }
        });
    }

    fn show_device_code(&self, _uri: &str, user_code: &str, complete: Option<&str>) {
        self.seen.lock().unwrap().push(user_code.to_string());
        let url = complete.unwrap().to_string();
        tokio::spawn(async move {
            // Approve a moment later, so apix polls at least once while the authorization is pending.
            tokio::time::sleep(Duration::from_millis(300)).await;
            reqwest::get(&url).await.unwrap();
        });
    }

    fn pasted_redirects(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<String>> {
        if !self.paste {
            return None;
        }
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        *self.tx.lock().unwrap() = Some(tx);
        Some(rx)
    }
}

/// A user who never comes back.
pub struct Absent;

impl Interaction for Absent {
    fn open_authorization(&self, _: &str, _: &str) {}
    fn show_device_code(&self, _: &str, _: &str, _: Option<&str>) {}
}
