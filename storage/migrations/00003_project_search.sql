-- +goose Up
-- 智能搜索 matches any part of a project's name, number, institution or
-- country: a trigram index serves those ILIKE '%…%' searches.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX projects_search ON projects USING gin
    ((name || ' ' || code || ' ' || institution_name || ' ' || institution_name_en || ' ' || country) gin_trgm_ops);

-- +goose Down
DROP INDEX projects_search;
