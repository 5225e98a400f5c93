-- +goose Up
-- A requirement removed from a project is retired, not deleted: applications
-- in flight captured it and their files still point at it.
ALTER TABLE attachment_requirements ADD COLUMN retired_at TIMESTAMPTZ;
ALTER TABLE attachment_requirements DROP CONSTRAINT attachment_requirements_project_id_kind_key;
CREATE UNIQUE INDEX attachment_requirements_live_kind ON attachment_requirements (project_id, kind) WHERE retired_at IS NULL;

-- +goose Down
DROP INDEX attachment_requirements_live_kind;
DELETE FROM attachment_requirements WHERE retired_at IS NOT NULL AND id NOT IN (SELECT requirement_id FROM attachments WHERE requirement_id IS NOT NULL);
ALTER TABLE attachment_requirements ADD CONSTRAINT attachment_requirements_project_id_kind_key UNIQUE (project_id, kind);
ALTER TABLE attachment_requirements DROP COLUMN retired_at;
