-- +goose Up
-- Set while a submission is being checked and its snapshot taken: edits wait for it and are
-- then refused, so that what is submitted is exactly what reviewers see. A marker older than
-- ten minutes (a submission that never finished) no longer holds edits back.
ALTER TABLE applications ADD COLUMN submitting_since TIMESTAMPTZ;

-- +goose Down
ALTER TABLE applications DROP COLUMN submitting_since;
