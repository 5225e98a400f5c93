-- +goose Up
-- The stay abroad: when the next check-in (报平安) is due while the student is abroad, the office's
-- alerts, and every check-in made.
ALTER TABLE applications ADD COLUMN check_in_due TIMESTAMPTZ;
ALTER TABLE applications ADD COLUMN alerts TEXT[] NOT NULL DEFAULT '{}';
-- The return date as the workflow holds it: an approved change request (延期, 提前回国) moves it.
ALTER TABLE applications ADD COLUMN expected_return DATE;
CREATE INDEX applications_abroad ON applications (check_in_due) WHERE check_in_due IS NOT NULL;

CREATE TABLE check_ins (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    event_seq      INTEGER NOT NULL,
    checked_in_at  TIMESTAMPTZ NOT NULL,
    country        TEXT NOT NULL CHECK (length(country) BETWEEN 1 AND 100),
    city           TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    status         TEXT NOT NULL CHECK (status IN ('safe', 'help')),
    note           TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    UNIQUE (application_id, event_seq)
);
CREATE INDEX check_ins_latest ON check_ins (application_id, checked_in_at DESC);

-- The foreign affairs office's duty list: who is e-mailed at once when a student abroad asks for
-- help or misses a check-in. Its addresses need no account, so a notification may carry its own.
CREATE TABLE duty_contacts (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    email      TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE notifications ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN address TEXT CHECK (length(address) <= 254);
ALTER TABLE notifications ADD CONSTRAINT notifications_to_someone CHECK (account_id IS NOT NULL OR address IS NOT NULL);

-- +goose Down
ALTER TABLE notifications DROP CONSTRAINT notifications_to_someone;
ALTER TABLE notifications DROP COLUMN address;
DELETE FROM notifications WHERE account_id IS NULL;
ALTER TABLE notifications ALTER COLUMN account_id SET NOT NULL;
DROP TABLE duty_contacts;
DROP TABLE check_ins;
DROP INDEX applications_abroad;
ALTER TABLE applications DROP COLUMN expected_return;
ALTER TABLE applications DROP COLUMN alerts;
ALTER TABLE applications DROP COLUMN check_in_due;
