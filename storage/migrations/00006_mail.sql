-- +goose Up
-- E-mail for notifications: staff have no profile, so their address is kept with the account;
-- a student's comes from the profile, else from the account.
ALTER TABLE accounts ADD COLUMN email TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254);
-- The mailer's mark: set when it takes a notification (before sending, so that each goes at most
-- once), also when there is nothing to send (no address, e-mail off). Notifications from before
-- are not e-mailed.
ALTER TABLE notifications ADD COLUMN mail_done_at TIMESTAMPTZ;
UPDATE notifications SET mail_done_at = created_at;
CREATE INDEX notifications_unmailed ON notifications (id) WHERE mail_done_at IS NULL;

-- +goose Down
DROP INDEX notifications_unmailed;
ALTER TABLE notifications DROP COLUMN mail_done_at;
ALTER TABLE accounts DROP COLUMN email;
