//! The retention worker: submissions and audit entries older than their periods are deleted.

use crate::domain::days::Days;
use crate::domain::moment::Moment;
use crate::store;

/// Deletes submissions older than the retention period, and audit entries older than theirs,
/// now and then once a day.
pub async fn retain(store: store::Store, days: Days, audit_days: Days) {
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
        let before = days.ago();
        match store.delete_received_before(before).await {
            Ok(gone) if !gone.is_empty() => {
                tracing::info!(
                    count = gone.len(),
                    days = days.get(),
                    "retention: old submissions deleted"
                );
                let at = Moment::now();
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
        let audit_before = audit_days.ago();
        match store.delete_audit_before(audit_before).await {
            Ok(0) => {}
            Ok(gone) => tracing::info!(
                count = gone,
                audit_days = audit_days.get(),
                "retention: old audit entries deleted"
            ),
            Err(e) => tracing::error!(error = %e, "audit retention run failed"),
        }
        lock.release().await;
    }
}
