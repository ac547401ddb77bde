//! The retention worker: submissions and audit entries older than their periods are deleted.

use crate::store;
use crate::workers::outbox;

/// Deletes submissions older than the retention period, and audit entries older than theirs,
/// now and then once a day.
pub async fn retain(store: store::Store, days: u32, audit_days: u32) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
    loop {
        tick.tick().await;
        // One receiver at a time on a shared PostgreSQL database: the others skip this run
        // (the deletion is by age, so whichever runs it leaves the same rows).
        let lock = match store.retention_lock().await {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                tracing::info!("retention: another receiver is running it");
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "retention run failed");
                continue;
            }
        };
        let before = outbox::now_ms() - i64::from(days) * 24 * 60 * 60 * 1000;
        match store.delete_received_before(before).await {
            Ok(gone) if !gone.is_empty() => {
                tracing::info!(
                    count = gone.len(),
                    days,
                    "retention: old submissions deleted"
                );
                let at = crate::domain::moment::Moment::now();
                for reference in gone {
                    let _ = store
                        .audit(
                            &at,
                            "retention",
                            "deleted (retention period)",
                            &reference,
                            "",
                        )
                        .await;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "retention run failed"),
        }
        let audit_before = outbox::now_ms() - i64::from(audit_days) * 24 * 60 * 60 * 1000;
        match store.delete_audit_before(audit_before).await {
            Ok(0) => {}
            Ok(gone) => tracing::info!(
                count = gone,
                audit_days,
                "retention: old audit entries deleted"
            ),
            Err(e) => tracing::error!(error = %e, "audit retention run failed"),
        }
        lock.release().await;
    }
}
