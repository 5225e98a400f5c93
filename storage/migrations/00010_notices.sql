-- +goose Up
-- 申报须知 and 本人承诺, kept by the foreign affairs office: each change is a new version, and each
-- application records the version its student accepted (applications.notice_version).
CREATE TABLE notices (
    version      TEXT PRIMARY KEY,
    notice       TEXT NOT NULL CHECK (length(notice) BETWEEN 1 AND 5000),
    commitment   TEXT NOT NULL CHECK (length(commitment) BETWEEN 1 AND 2000),
    read_seconds INTEGER NOT NULL CHECK (read_seconds BETWEEN 0 AND 60),
    created_by   BIGINT REFERENCES accounts (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX notices_newest ON notices (created_at DESC);
INSERT INTO notices (version, notice, commitment, read_seconds, created_at) VALUES ('2024-1',
    '本人在本表格中填写的信息真实有效，并且已将参加本项目的相关事宜告知家长。本人出境期间的学习交流不涉及政治敏感问题、无知识产权保护问题。本人将遵守学校有关学生出国(境)的规章制度，承诺及时办理注册、学籍、缴费、返校报到等手续。因个人原因违反学校相关规定，责任和后果由学生本人承担。本人将遵守出访国家的法律法规，遵守接待学校的校规校纪。本人将自行购买出访期间的医疗及意外保险。本人保证按期回国。本人有义务在出访访问期间确保个人财产及人身安全。',
    '本人承诺以上所填信息真实、准确，并已认真阅读申报须知。每人限报1个项目，报名多个项目的将被取消报名资格。',
    2, '2024-01-01');

-- +goose Down
DROP TABLE notices;
