-- +goose Up
-- 自费 or 公派: the manual's lists mark a self-funded project's category with (自费).
ALTER TABLE projects ADD COLUMN funding_kind TEXT NOT NULL DEFAULT '' CHECK (funding_kind IN ('', '自费', '公派'));

-- +goose Down
ALTER TABLE projects DROP COLUMN funding_kind;
