-- +goose Up
-- 行前出发时间, in 基本信息 as the manual shows it.
ALTER TABLE applications ADD COLUMN predeparture_date DATE;

-- +goose Down
ALTER TABLE applications DROP COLUMN predeparture_date;
