-- +goose Up
-- Each upload sums its owner's files against the quota: by index, not by reading every attachment.
CREATE INDEX attachments_owner ON attachments (owner_id) INCLUDE (size_bytes) WHERE deleted_at IS NULL;

-- +goose Down
DROP INDEX attachments_owner;
