-- +goose Up
-- 行前材料清单: a project's requirements are of the application (申请材料) or of the pre-departure
-- phase (护照, 签证, 保险, 行前教育证明…); both are captured when an application is created.
ALTER TABLE attachment_requirements ADD COLUMN phase TEXT NOT NULL DEFAULT 'application'
    CHECK (phase IN ('application', 'predeparture'));

-- +goose Down
ALTER TABLE attachment_requirements DROP COLUMN phase;
