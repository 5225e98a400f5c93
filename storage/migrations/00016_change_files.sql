-- +goose Up
-- A change request while abroad may carry supporting files (kind 'change').
ALTER TABLE attachments DROP CONSTRAINT attachments_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_kind_check
    CHECK (kind IN ('photo', 'required', 'supplement', 'predeparture', 'return_report', 'change'));

-- +goose Down
DELETE FROM attachments WHERE kind = 'change';
ALTER TABLE attachments DROP CONSTRAINT attachments_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_kind_check
    CHECK (kind IN ('photo', 'required', 'supplement', 'predeparture', 'return_report'));
