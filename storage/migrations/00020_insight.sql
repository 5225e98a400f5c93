-- +goose Up
-- 统计看板: the partners the office keeps, each in its country or region (process.Places), so that
-- statistics by country and by partner are exact rather than guessed from names.
CREATE TABLE partners (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    name_en      TEXT NOT NULL DEFAULT '' CHECK (length(name_en) <= 200),
    country_code TEXT NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE projects
    ADD COLUMN country_code TEXT NOT NULL DEFAULT '' CHECK (country_code = '' OR country_code ~ '^[A-Z]{2}$'),
    ADD COLUMN partner_id BIGINT REFERENCES partners(id);

-- How long each stage took: a row for every stage an application leaves, written by the same
-- statement that moves it on, so that the dashboard reads durations without walking timelines.
CREATE TABLE stage_visits (
    application_id BIGINT NOT NULL REFERENCES applications(id),
    stage          TEXT NOT NULL,
    entered_at     TIMESTAMPTZ NOT NULL,
    left_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX stage_visits_by_application ON stage_visits (application_id);

-- +goose StatementBegin
CREATE FUNCTION record_stage_visit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stage_visits (application_id, stage, entered_at, left_at)
    VALUES (OLD.id, OLD.stage, OLD.stage_entered_at, NEW.stage_entered_at);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER applications_stage_visit AFTER UPDATE OF stage, stage_entered_at ON applications
    FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage OR OLD.stage_entered_at IS DISTINCT FROM NEW.stage_entered_at)
    EXECUTE FUNCTION record_stage_visit();

-- The statistics group submitted applications by their project.
CREATE INDEX applications_submitted_by_project ON applications (project_id) INCLUDE (college_code, admitted_at, phase, stage)
    WHERE submitted_at IS NOT NULL;

-- +goose Down
DROP INDEX applications_submitted_by_project;
DROP TRIGGER applications_stage_visit ON applications;
DROP FUNCTION record_stage_visit();
DROP TABLE stage_visits;
ALTER TABLE projects DROP COLUMN partner_id, DROP COLUMN country_code;
DROP TABLE partners;
