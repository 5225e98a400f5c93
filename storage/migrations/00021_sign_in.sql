-- +goose Up
-- Whether the university's CAS may sign in to an account. CAS never lands on an account that is
-- only local, and never on an administrator's, so that a CAS identity with the same number cannot
-- take one over. Accounts without a password here, and students, are the university's CAS users.
ALTER TABLE accounts
    ADD COLUMN cas_sign_in BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT false;
UPDATE accounts SET cas_sign_in = true WHERE role <> 'admin' AND (password_hash IS NULL OR role = 'student');
ALTER TABLE accounts ADD CONSTRAINT administrators_sign_in_here CHECK (role <> 'admin' OR NOT cas_sign_in);

-- Sign-in attempts, shared by every API process: per client address a count in a window, per name
-- typed (with and without the address) the failures in a row and when the next try is allowed.
-- A wrong password slows the next tries down; it never locks anyone out.
CREATE TABLE sign_in_throttle (
    key          TEXT PRIMARY KEY,
    attempts     INTEGER NOT NULL DEFAULT 0,
    window_start TIMESTAMPTZ NOT NULL DEFAULT now(),
    not_before   TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE accounts DROP COLUMN failed_logins, DROP COLUMN locked_until;

-- +goose Down
ALTER TABLE accounts ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0, ADD COLUMN locked_until TIMESTAMPTZ;
DROP TABLE sign_in_throttle;
ALTER TABLE accounts DROP CONSTRAINT administrators_sign_in_here;
ALTER TABLE accounts DROP COLUMN must_change_password, DROP COLUMN cas_sign_in;
