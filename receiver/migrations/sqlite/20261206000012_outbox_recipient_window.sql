-- The outbox's window (receiver/src/outbox.rs): when the last email to an address went, found
-- without reading every notification ever sent.
CREATE INDEX notifications_recipient_sent ON notifications (recipient, sent_at_ms);
