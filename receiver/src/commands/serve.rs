//! `consultation-receiver serve`: checks the settings, opens the store, starts the workers and
//! the HTTP server, and stops them in order on SIGTERM or Ctrl+C.

use super::CommandError;
use crate::cli::Serve;
use crate::domain::public_url::PublicUrl;
use crate::domain::{questionnaires, time};
use crate::http::{challenge, client, idempotency, rate};
use crate::inbox::{auth, view};
use crate::workers::{mail, outbox};
use crate::{http, inbox, store, workers};
use std::future::IntoFuture;
use std::sync::Arc;
use tokio::sync::{watch, Notify};

/// What `serve` checks before it touches the database: a bad flag stops the start here.
struct Checked {
    questionnaires: questionnaires::Questionnaires,
    /// The notification mailer and the address its links point at; none without `--notify`.
    notify: Option<(mail::Mailer, PublicUrl)>,
    zone: time::Zone,
}

pub async fn serve(args: Serve) -> Result<(), CommandError> {
    let Checked {
        questionnaires,
        notify,
        zone,
    } = check(&args)?;
    let store = store::Store::open(&args.database).await?;
    backfill(&store, &questionnaires).await?;
    let totp_key = totp_key(&args, &store).await?;
    let retention = tokio::spawn(workers::retention::retain(
        store.clone(),
        args.retention_days,
        args.audit_retention_days,
    ));
    let wake = Arc::new(Notify::new());
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = notify.map(|(mailer, public_url)| {
        tokio::spawn(
            outbox::Worker {
                store: store.clone(),
                mailer,
                public_url,
                zone: zone.clone(),
                wake: wake.clone(),
                stop: stop_rx,
            }
            .run(),
        )
    });
    if worker.is_none() {
        tracing::warn!("no --notify: staff get no email of new submissions");
    }
    if args.allow_origin.is_empty() {
        tracing::warn!("no --allow-origin: browsers on other sites cannot send here");
    }
    let app_questionnaires = (questionnaires.count(), questionnaires.language().to_owned());
    let proxies = Arc::new(client::TrustedProxies::new(args.trusted_proxy.clone()));
    let inbox = inbox_state(
        &args,
        &store,
        &questionnaires,
        proxies.clone(),
        totp_key,
        &zone,
    )?;
    let app = http::App {
        store: store.clone(),
        questionnaires,
        inflight: idempotency::InFlight::default(),
        recipients: Arc::new(args.notify.iter().map(ToString::to_string).collect()),
        wake,
        proxies,
        limiter: rate::Limiter::new(args.intake_rate),
        proof: challenge::Issuer::open(&store, args.proof_of_work).await?,
        photo_work: http::photos::Work::default(),
    };
    let listener = listen(&args, (app_questionnaires.0, &app_questionnaires.1), &zone).await?;
    let origins = args.allow_origin.iter().map(|o| o.0.clone()).collect();
    let router = http::router(app, origins, inbox);
    run_until_stopped(listener, router).await?;
    retention.abort();
    // Requests have finished; let a send in progress end, then close the database.
    let _ = stop_tx.send(true);
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Binds `--listen` and logs where it listens (port 0 takes any free one) and with what.
async fn listen(
    args: &Serve,
    (questionnaires, language): (usize, &str),
    zone: &time::Zone,
) -> Result<tokio::net::TcpListener, CommandError> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|source| CommandError::Listen {
            address: args.listen,
            source,
        })?;
    let address = listener.local_addr()?;
    tracing::info!(
        %address,
        origins = args.allow_origin.len(),
        questionnaires,
        language = %language,
        time_zone = zone.name(),
        "listening"
    );
    Ok(listener)
}

/// The flags checked together, in the order their errors are reported.
fn check(args: &Serve) -> Result<Checked, CommandError> {
    if args.audit_retention_days < args.retention_days {
        return Err(CommandError::AuditShorter {
            audit_days: args.audit_retention_days.get(),
            days: args.retention_days.get(),
        });
    }
    Ok(Checked {
        questionnaires: questionnaires::Questionnaires::from_files(
            &args.questionnaires.questionnaire,
            &args.questionnaires.language,
        )?,
        notify: notify(args)?,
        zone: args.time_zone.clone().unwrap_or_else(time::Zone::system),
    })
}

/// The mailer for `--notify`, which needs an SMTP server, a sender and the address for links;
/// SMTP without anyone to notify is a mistake too.
fn notify(args: &Serve) -> Result<Option<(mail::Mailer, PublicUrl)>, CommandError> {
    match (&args.smtp, args.notify.is_empty()) {
        (None, true) => Ok(None),
        (Some(url), false) => {
            let from = args.from.clone().ok_or(CommandError::NotifyNeedsFrom)?;
            let public_url = args
                .public_url
                .clone()
                .ok_or(CommandError::NotifyNeedsPublicUrl)?;
            let smtp = mail::SmtpSettings {
                url: url.clone(),
                user: args.smtp_user.clone(),
                password: args.smtp_password.clone(),
            };
            Ok(Some((mail::Mailer::new(&smtp, from)?, public_url)))
        }
        (None, false) => Err(CommandError::NotifyNeedsSmtp),
        (Some(_), true) => Err(CommandError::SmtpNeedsNotify),
    }
}

/// Fills name, email and the spam mark for rows stored before the inbox existed.
async fn backfill(
    store: &store::Store,
    questionnaires: &questionnaires::Questionnaires,
) -> Result<(), CommandError> {
    let qs = questionnaires.clone();
    store
        .backfill(move |json| {
            consultation_widget::core::summary::Summary::from_json(json)
                .map(|s| qs.find(&s.questionnaire, |q| view::describe(&s, q)))
                .unwrap_or_default()
        })
        .await?;
    Ok(())
}

/// The inbox's state: its cookies' settings, the sign-in throttle, the key for two-factor
/// secrets.
fn inbox_state(
    args: &Serve,
    store: &store::Store,
    questionnaires: &questionnaires::Questionnaires,
    proxies: Arc<client::TrustedProxies>,
    totp_key: Option<Arc<auth::SecretBox>>,
    zone: &time::Zone,
) -> Result<inbox::Inbox, CommandError> {
    Ok(inbox::Inbox {
        store: store.clone(),
        questionnaires: questionnaires.clone(),
        // Secure cookies unless staff reach it over plain http on loopback (the demo, tests).
        secure: !args.listen.ip().is_loopback()
            || args.public_url.as_ref().is_some_and(PublicUrl::is_https),
        public_origin: args.public_url.as_ref().map(|u| u.origin().to_owned()),
        throttle: Arc::new(inbox::throttle::Throttle::new()),
        proxies,
        dummy_hash: Arc::new(auth::hash_password(&auth::random_hex(16))?),
        totp_key,
        zone: zone.clone(),
    })
}

/// Serves until SIGTERM or Ctrl+C, then until open requests finish (or the grace period ends).
async fn run_until_stopped(
    listener: tokio::net::TcpListener,
    router: axum::Router,
) -> Result<(), std::io::Error> {
    let (signalled, stopping) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = signalled.send(true);
    });
    let graceful = {
        let mut stopping = stopping.clone();
        async move {
            let _ = stopping.wait_for(|s| *s).await;
        }
    };
    let router = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, router)
        .with_graceful_shutdown(graceful)
        .into_future();
    // Requests finish within their 10 s timeout; a connection that never completes its
    // headers (which no layer times out) must not hold the shutdown forever.
    let mut stopping = stopping.clone();
    tokio::select! {
        result = server => result?,
        _ = async {
            let _ = stopping.wait_for(|s| *s).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => tracing::warn!("connections still open after the grace period; stopping anyway"),
    }
    Ok(())
}

/// How long a shutdown waits for open connections, beyond any request's own timeout.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

/// SIGTERM (service managers) or Ctrl+C: stop taking connections, finish what is in flight.
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!("shutting down");
}

/// The key sealing TOTP secrets at rest: `--totp-key-file` or CONSULTATION_TOTP_KEY (not
/// both). With it, secrets stored in clear by an older receiver are sealed now. Without it the
/// receiver starts only if no secret is stored (two-factor then cannot be set up): one stored
/// could never be checked.
async fn totp_key(
    args: &Serve,
    store: &store::Store,
) -> Result<Option<Arc<auth::SecretBox>>, CommandError> {
    let text = match (&args.totp_key_file, &args.totp_key) {
        (Some(_), Some(_)) => return Err(CommandError::TotpKeyTwice),
        (Some(path), None) => {
            Some(
                std::fs::read_to_string(path).map_err(|source| CommandError::TotpKeyFile {
                    path: path.clone(),
                    source,
                })?,
            )
        }
        (None, text) => text.as_ref().map(|t| t.0.clone()),
    };
    let key = text.map(|t| auth::SecretBox::from_text(&t)).transpose()?;
    let stored = store.stored_totp().await?;
    let Some(key) = key else {
        if !stored.is_empty() {
            return Err(CommandError::TotpKeyMissing);
        }
        tracing::warn!(
            "no --totp-key-file: staff cannot set up two-factor sign-in until one is given"
        );
        return Ok(None);
    };
    seal_in_clear(store, &key, stored).await?;
    Ok(Some(Arc::new(key)))
}

/// Seals the two-factor secrets an older receiver stored in clear.
async fn seal_in_clear(
    store: &store::Store,
    key: &auth::SecretBox,
    stored: Vec<(String, Option<String>, Option<String>)>,
) -> Result<(), CommandError> {
    let mut sealed = 0;
    for (id, secret, pending) in stored {
        let seal = |v: Option<String>| {
            v.map(|v| {
                if auth::SecretBox::is_sealed(&v) {
                    v
                } else {
                    key.seal(&id, &v)
                }
            })
        };
        let in_clear = secret
            .iter()
            .chain(pending.iter())
            .any(|v| !auth::SecretBox::is_sealed(v));
        if in_clear {
            store
                .rewrite_totp(&id, seal(secret).as_deref(), seal(pending).as_deref())
                .await?;
            sealed += 1;
        }
    }
    if sealed > 0 {
        tracing::info!(
            accounts = sealed,
            "sealed two-factor secrets stored in clear"
        );
    }
    Ok(())
}
