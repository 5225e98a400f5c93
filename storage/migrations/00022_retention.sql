-- +goose Up
-- When the retention job erased the personal data of a closed application, or of the profile of
-- an account that left; the rows stay (statistics and the audit log refer to them).
ALTER TABLE applications ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE student_profiles ADD COLUMN erased_at TIMESTAMPTZ;
CREATE INDEX applications_to_erase ON applications (closed_at) WHERE closed_at IS NOT NULL AND erased_at IS NULL;

-- +goose Down
DROP INDEX applications_to_erase;
ALTER TABLE student_profiles DROP COLUMN erased_at;
ALTER TABLE applications DROP COLUMN erased_at;
