//go:build integration

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"outbound/testenv"
)

// run runs the outbound command with its arguments and standard input, as an operator would.
func run(t *testing.T, stdin string, args ...string) (string, error) {
	cmd := root()
	var out bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.Execute()
	return out.String(), err
}

func signIn(t *testing.T, base, username, password string) int {
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// A fresh install is opened from the command line: the first administrator, a college, a roster.
func TestAdministrationCommands(t *testing.T) {
	env, err := testenv.Start(testenv.Options{NoWorker: true})
	require.NoError(t, err)
	defer env.Close()
	t.Setenv("OUTBOUND_DATABASE_URL", env.Config.Database.URL)
	n := time.Now().UnixNano() % 1e8

	// The first administrator, with a password printed once.
	admin := fmt.Sprintf("root%d", n)
	out, err := run(t, "", "accounts", "create", "--username", admin, "--name", "首位管理员")
	require.NoError(t, err, out)
	password := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
	require.Len(t, password, 2, out)
	require.Equal(t, 200, signIn(t, env.URL, admin, password[1]))

	// A password from standard input; refusals say what is wrong, in the service's words.
	out, err = run(t, "Bootstrap-2026\n", "accounts", "create", "--username", admin+"b", "--name", "第二位", "--role", "foreign_affairs", "--password-stdin")
	require.NoError(t, err, out)
	require.Equal(t, 200, signIn(t, env.URL, admin+"b", "Bootstrap-2026"))
	_, err = run(t, "", "accounts", "create", "--username", admin, "--name", "重复")
	require.ErrorContains(t, err, "已存在")
	_, err = run(t, "", "accounts", "create", "--username", "s"+admin, "--name", "学生", "--role", "student")
	require.ErrorContains(t, err, "collegeCode: 学生和学院审核员须指定所在学院")

	// A college, then students of it from a roster file: a preview first, then --apply.
	code := fmt.Sprintf("C%d", n)
	out, err = run(t, "", "colleges", "save", code, fmt.Sprintf("命令行学院%d", n))
	require.NoError(t, err, out)
	roster := filepath.Join(t.TempDir(), "名单.csv")
	require.NoError(t, os.WriteFile(roster, []byte("学号,姓名,学院,在读学历\nS"+fmt.Sprint(n)+",学生甲,"+code+",本科生\nS"+fmt.Sprint(n)+"2,学生乙,"+code+",博士研究生\n"), 0o644))
	out, err = run(t, "", "roster", "import", roster)
	require.NoError(t, err, out)
	require.Contains(t, out, "create 2 (preview only")
	var count int
	require.NoError(t, env.Services.Store.DB.GetContext(context.Background(), &count, `SELECT count(*) FROM accounts WHERE college_code = $1`, code))
	require.Zero(t, count, "a preview writes nothing")
	out, err = run(t, "", "roster", "import", roster, "--apply")
	require.NoError(t, err, out)
	require.Contains(t, out, "create 2 (applied)")
	require.NoError(t, env.Services.Store.DB.GetContext(context.Background(), &count,
		`SELECT count(*) FROM accounts a JOIN student_profiles p ON p.account_id = a.id WHERE a.college_code = $1`, code))
	require.Equal(t, 2, count)

	// A wrong row fails the command and names the cell.
	require.NoError(t, os.WriteFile(roster, []byte("学号,姓名,学院\nX"+fmt.Sprint(n)+",学生丙,NOPE\n"), 0o644))
	out, err = run(t, "", "roster", "import", roster, "--apply")
	require.Error(t, err)
	require.Contains(t, out, "学院: 学院“NOPE”不存在")
}
