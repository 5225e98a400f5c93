-- +goose Up
-- A project may choose its students by a selection round (选拔): its settings, NULL to admit directly.
ALTER TABLE projects ADD COLUMN selection JSONB;

-- The round's read model: its state as the round workflow last recorded it (a newer seq wins).
CREATE TABLE selection_rounds (
    id          TEXT PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    year        INTEGER NOT NULL,
    stage       TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    state       JSONB NOT NULL,
    public_until TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (project_id, year)
);
CREATE INDEX selection_rounds_publicity ON selection_rounds (public_until) WHERE stage <> 'closed';

-- An interview notice carries its iCalendar event, e-mailed as an attachment.
ALTER TABLE notifications ADD COLUMN calendar TEXT;

-- +goose Down
ALTER TABLE notifications DROP COLUMN calendar;
DROP TABLE selection_rounds;
ALTER TABLE projects DROP COLUMN selection;
