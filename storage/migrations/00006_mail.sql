-- +goose Up
-- E-mail for notifications: staff have no profile, so their address is kept with the account;
-- a student's comes from the profile, else from the account.
ALTER TABLE accounts ADD COLUMN email TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254);
-- When a notification was handed to the mail server: set before sending, so that it goes at most once.
ALTER TABLE notifications ADD COLUMN emailed_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE notifications DROP COLUMN emailed_at;
ALTER TABLE accounts DROP COLUMN email;
