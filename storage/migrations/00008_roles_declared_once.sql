-- +goose Up
-- The roles are declared in the process package (process.RoleSpecs), which every write of an
-- account checks; a list here as well would make a new role a migration too.
ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_role_check;

-- +goose Down
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check
    CHECK (role IN ('student', 'college_reviewer', 'academic_affairs', 'foreign_affairs', 'admin'));
