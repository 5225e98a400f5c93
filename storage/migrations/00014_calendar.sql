-- +goose Up
-- The working-day calendar: Monday to Friday work, except the days listed here (holidays on
-- weekdays, and 调休 weekend days that work), as the office keeps them each year.
CREATE TABLE calendar_days (
    day     DATE PRIMARY KEY,
    working BOOLEAN NOT NULL,
    note    TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 50)
);

-- +goose Down
DROP TABLE calendar_days;
