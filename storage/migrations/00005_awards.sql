-- +goose Up
-- 获奖情况: the awards a student lists in step 2, beside 外语水平.
CREATE TABLE awards (
    id              BIGSERIAL PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),     -- 奖项名称
    level           TEXT NOT NULL CHECK (length(level) BETWEEN 1 AND 50),     -- 奖项级别
    awarded_on      DATE NOT NULL,                                            -- 获奖时间
    issuer          TEXT NOT NULL CHECK (length(issuer) BETWEEN 1 AND 100)    -- 颁奖单位
);
CREATE INDEX awards_application ON awards (application_id);

-- +goose Down
DROP TABLE awards;
