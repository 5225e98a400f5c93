-- +goose Up
-- 学分认定: a credit-bearing project's returned students ask for their courses abroad to be recognised.
ALTER TABLE projects ADD COLUMN credit_bearing BOOLEAN NOT NULL DEFAULT false;

-- The home course catalogue, imported from the academic system.
CREATE TABLE home_courses (
    code         TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 32),
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    credits      NUMERIC(4,1) NOT NULL CHECK (credits > 0 AND credits <= 30),
    college_code TEXT NOT NULL DEFAULT '' CHECK (length(college_code) <= 32),
    course_type  TEXT NOT NULL DEFAULT '' CHECK (length(course_type) <= 50),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Grade conversion tables: a grade of a scale (ECTS, US, UK, …) as a 百分制 score.
CREATE TABLE grade_conversions (
    scale  TEXT NOT NULL CHECK (length(scale) BETWEEN 1 AND 20),
    grade  TEXT NOT NULL CHECK (length(grade) BETWEEN 1 AND 20),
    score  NUMERIC(5,1) NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (scale, grade)
);

-- The lines of a request, and the reviewers' decisions on them.
CREATE TABLE credit_lines (
    application_id BIGINT NOT NULL REFERENCES applications(id),
    line           INTEGER NOT NULL CHECK (line BETWEEN 1 AND 40),
    course_name    TEXT NOT NULL CHECK (length(course_name) BETWEEN 1 AND 200),
    host_code      TEXT NOT NULL DEFAULT '' CHECK (length(host_code) <= 32),
    credits        NUMERIC(4,1) NOT NULL CHECK (credits > 0 AND credits <= 30),
    hours          INTEGER NOT NULL DEFAULT 0 CHECK (hours BETWEEN 0 AND 1000),
    grade          TEXT NOT NULL CHECK (length(grade) BETWEEN 1 AND 20),
    scale          TEXT NOT NULL CHECK (length(scale) BETWEEN 1 AND 20),
    kind           TEXT NOT NULL CHECK (kind IN ('course', 'elective', 'none')),
    home_code      TEXT NOT NULL DEFAULT '' CHECK (length(home_code) <= 32),
    elective       TEXT NOT NULL DEFAULT '' CHECK (length(elective) <= 20),
    decision       TEXT CHECK (decision IN ('approved', 'changed', 'refused')),
    score          NUMERIC(5,1) CHECK (score BETWEEN 0 AND 100),
    final_credits  NUMERIC(4,1) CHECK (final_credits > 0 AND final_credits <= 30),
    opinion        TEXT NOT NULL DEFAULT '' CHECK (length(opinion) <= 4000),
    decided_stage  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, line)
);

ALTER TABLE attachments DROP CONSTRAINT attachments_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_kind_check
    CHECK (kind IN ('photo', 'required', 'supplement', 'predeparture', 'return_report', 'change', 'transcript'));

-- 学分认定 does not hold the one open application a student may have.
DROP INDEX applications_one_open_per_student;
CREATE UNIQUE INDEX applications_one_open_per_student ON applications (student_id) WHERE closed_at IS NULL AND phase <> 'credits';

-- +goose Down
DROP INDEX applications_one_open_per_student;
CREATE UNIQUE INDEX applications_one_open_per_student ON applications (student_id) WHERE closed_at IS NULL;
DELETE FROM attachments WHERE kind = 'transcript';
ALTER TABLE attachments DROP CONSTRAINT attachments_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_kind_check
    CHECK (kind IN ('photo', 'required', 'supplement', 'predeparture', 'return_report', 'change'));
DROP TABLE credit_lines;
DROP TABLE grade_conversions;
DROP TABLE home_courses;
ALTER TABLE projects DROP COLUMN credit_bearing;
