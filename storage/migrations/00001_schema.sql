-- +goose Up
-- The read model and form store of Outbound. Temporal owns where an
-- application is; the columns it maintains here are written only by the
-- workflow's activities.

CREATE TABLE colleges (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE accounts (
    id              BIGSERIAL PRIMARY KEY,
    -- 学号 or 工号: also the key CAS users are matched by.
    username        TEXT NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{2,64}$'),
    display_name    TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
    role            TEXT NOT NULL CHECK (role IN ('student', 'college_reviewer', 'academic_affairs', 'foreign_affairs', 'admin')),
    college_code    TEXT REFERENCES colleges(code),
    -- NULL for accounts that sign in only through CAS.
    password_hash   TEXT,
    disabled        BOOLEAN NOT NULL DEFAULT false,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT scoped_roles_have_college CHECK (role NOT IN ('student', 'college_reviewer') OR college_code IS NOT NULL)
);

CREATE TABLE sessions (
    token_hash  BYTEA PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- 我的个人资料: every field of the profile page.
CREATE TABLE student_profiles (
    account_id          BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    system_no           TEXT NOT NULL UNIQUE,               -- 系统编号
    name_cn             TEXT NOT NULL DEFAULT '',           -- 姓名(中文)
    name_pinyin         TEXT NOT NULL DEFAULT '',           -- 姓名(拼音)
    gender              TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', '男', '女')),
    birth_date          DATE,                               -- 出生日期
    id_card_no          TEXT NOT NULL DEFAULT '',           -- 身份证号码
    hukou_location      TEXT NOT NULL DEFAULT '',           -- 户口所在地
    political_status    TEXT NOT NULL DEFAULT '',           -- 政治面貌
    health_status       TEXT NOT NULL DEFAULT '',           -- 健康状况
    birthplace          TEXT NOT NULL DEFAULT '',           -- 出生地
    native_place        TEXT NOT NULL DEFAULT '',           -- 籍贯
    family_address      TEXT NOT NULL DEFAULT '',           -- 家庭地址
    ethnicity           TEXT NOT NULL DEFAULT '',           -- 民族
    admission_category  TEXT NOT NULL DEFAULT '',           -- 录取类别
    college_code        TEXT NOT NULL REFERENCES colleges(code), -- 所在学院
    enrollment_year     INTEGER CHECK (enrollment_year BETWEEN 1950 AND 2100), -- 入学年份
    degree_level        TEXT NOT NULL DEFAULT '' CHECK (degree_level IN ('', '本科生', '硕士研究生', '博士研究生')), -- 在读学历
    major               TEXT NOT NULL DEFAULT '',           -- 专业
    grade               TEXT NOT NULL DEFAULT '',           -- 年级
    schooling_length    TEXT NOT NULL DEFAULT '',           -- 学制
    phone               TEXT NOT NULL DEFAULT '',           -- 手机号码
    email               TEXT NOT NULL DEFAULT '',           -- 电子邮件
    qq                  TEXT NOT NULL DEFAULT '',           -- QQ号码
    wechat              TEXT NOT NULL DEFAULT '',           -- 微信号码
    fax                 TEXT NOT NULL DEFAULT '',           -- Fax
    home_address        TEXT NOT NULL DEFAULT '',           -- 家庭住址
    home_phone          TEXT NOT NULL DEFAULT '',           -- 家庭电话
    emergency_name      TEXT NOT NULL DEFAULT '',           -- 紧急联系人姓名
    emergency_phone     TEXT NOT NULL DEFAULT '',           -- 紧急联系人手机
    emergency_relation  TEXT NOT NULL DEFAULT '',           -- 紧急联系人与本人关系
    photo_attachment_id BIGINT,                             -- 照片 (set once the attachments table exists)
    photo_check_result  TEXT NOT NULL DEFAULT '照片未上传',  -- 照片检测结果
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- 学习经历
CREATE TABLE learning_experiences (
    id              BIGSERIAL PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES student_profiles(account_id) ON DELETE CASCADE,
    start_date      DATE NOT NULL,
    end_date        DATE NOT NULL,
    school_name     TEXT NOT NULL CHECK (length(school_name) BETWEEN 1 AND 200),
    school_address  TEXT NOT NULL DEFAULT '',
    degree          TEXT NOT NULL CHECK (length(degree) BETWEEN 1 AND 50),
    CHECK (end_date >= start_date)
);
CREATE INDEX learning_experiences_account ON learning_experiences (account_id, start_date);

-- 项目信息: every field of the project page.
CREATE TABLE projects (
    id                      BIGSERIAL PRIMARY KEY,
    system_no               TEXT NOT NULL UNIQUE,           -- 系统编号
    code                    TEXT NOT NULL,                  -- 项目编号
    name                    TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200), -- 项目名称
    year                    INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100), -- 项目年度
    terms                   TEXT NOT NULL DEFAULT '',       -- 项目学期
    start_date              DATE NOT NULL,                  -- 项目起止日期
    end_date                DATE NOT NULL,
    duration_text           TEXT NOT NULL DEFAULT '',       -- 项目时长
    nature                  TEXT NOT NULL DEFAULT '',       -- 项目性质
    institution_name        TEXT NOT NULL DEFAULT '',       -- 院校名称
    institution_name_en     TEXT NOT NULL DEFAULT '',       -- 院校英文名
    country                 TEXT NOT NULL DEFAULT '',       -- 国家/地区
    category                TEXT NOT NULL DEFAULT '',       -- 项目类型
    fee_mode                TEXT NOT NULL DEFAULT '',       -- 项目费用模式
    fee                     NUMERIC(12,2) NOT NULL DEFAULT 0 CHECK (fee >= 0), -- 费用
    term_length             TEXT NOT NULL CHECK (term_length IN ('长期', '短期')), -- 项目期限
    active                  BOOLEAN NOT NULL DEFAULT true,  -- 是否有效
    teaching_mode           TEXT NOT NULL DEFAULT '',       -- 授课形式
    notes                   TEXT NOT NULL DEFAULT '',       -- 其他说明
    host_unit               TEXT NOT NULL DEFAULT '',       -- 项目主办单位
    apply_start             TIMESTAMPTZ NOT NULL,           -- 申报开始时间
    apply_end               TIMESTAMPTZ NOT NULL,           -- 申报结束时间
    eligible_degree_levels  TEXT[] NOT NULL DEFAULT '{}',   -- 申请对象
    eligible_grades         TEXT[] NOT NULL DEFAULT '{}',   -- 申请年级
    eligible_majors         TEXT[] NOT NULL DEFAULT '{}',   -- 招生专业 (empty: all)
    min_gpa                 NUMERIC(3,2) CHECK (min_gpa BETWEEN 0 AND 5), -- GPA要求
    quota                   INTEGER CHECK (quota >= 0),     -- 推荐名额 (NULL: no limit)
    admitted_count          INTEGER NOT NULL DEFAULT 0 CHECK (admitted_count >= 0),
    has_interview           BOOLEAN NOT NULL DEFAULT false, -- 是否有面试环节
    allow_dates_outside     BOOLEAN NOT NULL DEFAULT false, -- travel dates may lie outside the project's dates
    published               BOOLEAN NOT NULL DEFAULT false,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (code, year),
    CHECK (end_date >= start_date),
    CHECK (apply_end > apply_start),
    CHECK (quota IS NULL OR admitted_count <= quota)
);
CREATE INDEX projects_listing ON projects (year DESC, id DESC) WHERE published AND active;

-- 项目所需附件
CREATE TABLE attachment_requirements (
    id          BIGSERIAL PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 100), -- 附件类型
    formats     TEXT[] NOT NULL CHECK (cardinality(formats) > 0),      -- 附件格式
    max_bytes   BIGINT NOT NULL CHECK (max_bytes > 0),                 -- 附件大小
    required    BOOLEAN NOT NULL DEFAULT false,
    position    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (project_id, kind)
);

CREATE TABLE applications (
    id                      BIGSERIAL PRIMARY KEY,
    system_no               TEXT NOT NULL UNIQUE,
    student_id              BIGINT NOT NULL REFERENCES accounts(id),
    project_id              BIGINT NOT NULL REFERENCES projects(id),
    college_code            TEXT NOT NULL REFERENCES colleges(code),
    -- The project's rules as they were when the application was created.
    requirements            JSONB NOT NULL,
    notice_version          TEXT NOT NULL,                  -- 申报须知 accepted
    notice_accepted_at      TIMESTAMPTZ NOT NULL,
    commitment_accepted_at  TIMESTAMPTZ NOT NULL,           -- 本人承诺 accepted

    -- Step 1, 基本信息.
    name_cn             TEXT NOT NULL DEFAULT '',
    student_no          TEXT NOT NULL DEFAULT '',
    id_card_no          TEXT NOT NULL DEFAULT '',
    gender              TEXT NOT NULL DEFAULT '',
    political_status    TEXT NOT NULL DEFAULT '',
    hukou_location      TEXT NOT NULL DEFAULT '',
    birth_date          DATE,
    ethnicity           TEXT NOT NULL DEFAULT '',
    passport_no         TEXT NOT NULL DEFAULT '',
    major               TEXT NOT NULL DEFAULT '',
    is_postgraduate     BOOLEAN NOT NULL DEFAULT false,
    cohort              TEXT NOT NULL DEFAULT '',           -- 所属类别 / 所属届别
    degree_level        TEXT NOT NULL DEFAULT '',
    grade               TEXT NOT NULL DEFAULT '',
    schooling_length    TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    emergency_name      TEXT NOT NULL DEFAULT '',
    emergency_phone     TEXT NOT NULL DEFAULT '',
    family_address      TEXT NOT NULL DEFAULT '',
    supervisor_name     TEXT NOT NULL DEFAULT '',           -- 导师 or 辅导员
    supervisor_phone    TEXT NOT NULL DEFAULT '',
    basic_saved_at      TIMESTAMPTZ,

    -- Step 2, 申请信息.
    departure_date      DATE,
    return_date         DATE,
    gpa                 NUMERIC(3,2) CHECK (gpa BETWEEN 0 AND 5),
    weighted_average    NUMERIC(5,2) CHECK (weighted_average BETWEEN 0 AND 100),
    info_saved_at       TIMESTAMPTZ,
    CHECK (return_date IS NULL OR departure_date IS NULL OR return_date > departure_date),

    -- 资助情况, recorded by foreign affairs at admission.
    funding_source      TEXT NOT NULL DEFAULT '',
    funding_amount      NUMERIC(12,2) CHECK (funding_amount >= 0),
    funding_note        TEXT NOT NULL DEFAULT '',

    -- Maintained by the workflow's activities only.
    status              TEXT NOT NULL DEFAULT '未提交',
    phase               TEXT NOT NULL DEFAULT 'application',
    stage               TEXT NOT NULL DEFAULT 'draft',
    awaiting_role       TEXT NOT NULL DEFAULT 'student',
    stage_entered_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    review_due_at       TIMESTAMPTZ,
    overdue             BOOLEAN NOT NULL DEFAULT false,
    submitted_at        TIMESTAMPTZ,
    admitted_at         TIMESTAMPTZ,
    closed_at           TIMESTAMPTZ,                        -- set when the application ends
    last_event_seq      INTEGER NOT NULL DEFAULT 0,
    snapshot_sha256     TEXT NOT NULL DEFAULT '',

    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- 每人限报1个项目: at most one open application per student, whatever races.
CREATE UNIQUE INDEX applications_one_open_per_student ON applications (student_id) WHERE closed_at IS NULL;
CREATE INDEX applications_by_student ON applications (student_id, id DESC);
CREATE INDEX applications_queue ON applications (awaiting_role, college_code, stage_entered_at) WHERE closed_at IS NULL;
CREATE INDEX applications_by_project ON applications (project_id);

-- 外语水平
CREATE TABLE language_scores (
    id              BIGSERIAL PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    language        TEXT NOT NULL CHECK (length(language) BETWEEN 1 AND 50),  -- 外语语种
    requirement     TEXT NOT NULL CHECK (length(requirement) BETWEEN 1 AND 100), -- 成绩要求
    score           TEXT NOT NULL CHECK (length(score) BETWEEN 1 AND 50),     -- 学生成绩
    exam_date       DATE NOT NULL                                             -- 考试时间
);
CREATE INDEX language_scores_application ON language_scores (application_id);

-- Every file. Objects are never overwritten; a new version is a new object.
CREATE TABLE attachments (
    id              BIGSERIAL PRIMARY KEY,
    owner_id        BIGINT NOT NULL REFERENCES accounts(id),
    application_id  BIGINT REFERENCES applications(id),
    requirement_id  BIGINT REFERENCES attachment_requirements(id),
    kind            TEXT NOT NULL CHECK (kind IN ('photo', 'required', 'supplement', 'predeparture', 'return_report')),
    label           TEXT NOT NULL DEFAULT '',               -- 附件类型 shown to people
    object_key      TEXT NOT NULL UNIQUE,
    file_name       TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    size_bytes      BIGINT NOT NULL CHECK (size_bytes > 0),
    content_type    TEXT NOT NULL,
    sha256          TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    version         INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    uploaded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at      TIMESTAMPTZ,
    CHECK (kind = 'photo' OR application_id IS NOT NULL)
);
CREATE INDEX attachments_application ON attachments (application_id, kind) WHERE deleted_at IS NULL;
ALTER TABLE student_profiles ADD FOREIGN KEY (photo_attachment_id) REFERENCES attachments(id);

-- 进度信息 / 历史记录: one row per workflow event, keyed by its sequence number.
CREATE TABLE timeline_events (
    id              BIGSERIAL PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    kind            TEXT NOT NULL,               -- created, submitted, decided, refused, reminder, …
    step            TEXT NOT NULL,               -- 进度说明
    actor_id        BIGINT REFERENCES accounts(id),
    actor_name      TEXT NOT NULL DEFAULT '',
    actor_role      TEXT NOT NULL DEFAULT '',
    opinion         TEXT NOT NULL DEFAULT '',
    detail          JSONB NOT NULL DEFAULT '{}',
    occurred_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (application_id, seq)
);

-- What was submitted, hashed so later changes are evident.
CREATE TABLE submission_snapshots (
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    seq             INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    content         JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, seq)
);

-- Quota reservations: one row per admitted application, so admitting twice counts once.
CREATE TABLE admissions (
    application_id  BIGINT PRIMARY KEY REFERENCES applications(id),
    project_id      BIGINT NOT NULL REFERENCES projects(id),
    admitted_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE notifications (
    id              BIGSERIAL PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    application_id  BIGINT REFERENCES applications(id),
    event_seq       INTEGER NOT NULL DEFAULT 0,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at         TIMESTAMPTZ,
    UNIQUE (account_id, application_id, event_seq)
);
CREATE INDEX notifications_unread ON notifications (account_id, created_at DESC);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    actor_id    BIGINT REFERENCES accounts(id),
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    before      JSONB,
    after       JSONB,
    remote_addr TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_recent ON audit_log (created_at DESC);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE notifications;
DROP TABLE admissions;
DROP TABLE submission_snapshots;
DROP TABLE timeline_events;
ALTER TABLE student_profiles DROP CONSTRAINT IF EXISTS student_profiles_photo_attachment_id_fkey;
DROP TABLE attachments;
DROP TABLE language_scores;
DROP TABLE applications;
DROP TABLE attachment_requirements;
DROP TABLE projects;
DROP TABLE learning_experiences;
DROP TABLE student_profiles;
DROP TABLE sessions;
DROP TABLE accounts;
DROP TABLE colleges;
