-- +goose Up
-- A project may set its own interval between check-ins (报平安) abroad; empty follows process.check_in_every.
ALTER TABLE projects ADD COLUMN check_in_days INTEGER CHECK (check_in_days BETWEEN 1 AND 90);

-- +goose Down
ALTER TABLE projects DROP COLUMN check_in_days;
