-- +goose Up
-- The ready-made 审核意见 the office keeps for each decision; while none are kept the process's
-- own are offered.
CREATE TABLE opinion_phrases (
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'return', 'reject')),
    position INT NOT NULL,
    phrase TEXT NOT NULL,
    PRIMARY KEY (decision, position)
);
-- Whether the office has saved its own list (an empty list saved on purpose offers nothing).
CREATE TABLE opinion_phrases_kept (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE opinion_phrases_kept;
DROP TABLE opinion_phrases;
