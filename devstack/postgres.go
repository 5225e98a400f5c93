package devstack

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	_ "github.com/lib/pq" // the driver for the readiness check
)

// postgresBinDir finds initdb and postgres under the usual Debian paths or on PATH.
func postgresBinDir() (string, bool) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "postgres")) {
			return d, true
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		d := filepath.Dir(p)
		if isExecutable(filepath.Join(d, "postgres")) {
			return d, true
		}
	}
	return "", false
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// ensurePostgresBinaries installs Debian's postgresql when allowed and missing.
func ensurePostgresBinaries(ctx context.Context, allowInstall bool, progress io.Writer) (string, error) {
	if d, ok := postgresBinDir(); ok {
		return d, nil
	}
	_, aptErr := exec.LookPath("apt-get")
	if !allowInstall || os.Geteuid() != 0 || aptErr != nil {
		return "", errors.New("PostgreSQL server binaries (initdb, postgres) were not found. Install them " +
			"(Debian: apt-get install postgresql) or point Outbound at an existing server with " +
			"OUTBOUND_DATABASE_URL=postgres://user:password@host:5432/outbound?sslmode=disable")
	}
	fmt.Fprintln(progress, "installing PostgreSQL with apt-get (once)")
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("apt-get %v: %v\n%s", args, err, lastLines(string(out), 15))
		}
	}
	if d, ok := postgresBinDir(); ok {
		return d, nil
	}
	return "", errors.New("postgresql was installed but initdb was not found under /usr/lib/postgresql")
}

// postgresOwner is who runs the cluster: PostgreSQL refuses to run as root,
// so a root process hands the cluster to the system's postgres user.
func postgresOwner() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, PostgreSQL needs an unprivileged user to run as, and there is no 'postgres' user; run as a normal user or set OUTBOUND_DATABASE_URL")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// clusterDir is the data folder's postgres directory, unless the postgres user
// cannot reach it (a home directory closed to others): then a stable place under /var/tmp.
func clusterDir(dataDir string, cred *syscall.Credential) (string, error) {
	abs, err := filepath.Abs(filepath.Join(dataDir, "postgres"))
	if err != nil {
		return "", err
	}
	if cred == nil || othersCanTraverse(filepath.Dir(abs)) {
		return abs, nil
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join("/var/tmp", "outbound-postgres-"+hex.EncodeToString(sum[:6])), nil
}

func othersCanTraverse(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err == nil && st.Mode()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

// postgres is a private cluster of the dev stack.
type postgres struct {
	binDir string
	dir    string
	cred   *syscall.Credential
	port   int
	logDir string
	svc    *service
}

func (p *postgres) url(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, database)
}

// init creates the cluster the first time.
func (p *postgres) init() error {
	if _, err := os.Stat(filepath.Join(p.dir, "PG_VERSION")); err == nil {
		return nil
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return err
	}
	if p.cred != nil {
		if err := os.Chown(p.dir, int(p.cred.Uid), int(p.cred.Gid)); err != nil {
			return err
		}
	}
	cmd := exec.Command(filepath.Join(p.binDir, "initdb"), "-D", p.dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, lastLines(string(out), 15))
	}
	return nil
}

func (p *postgres) start(ctx context.Context) error {
	// The socket goes in the cluster folder: /var/run/postgresql may not exist or be ours.
	svc, err := startService("postgres", p.logDir, syscall.SIGINT, p.cred, nil, filepath.Join(p.binDir, "postgres"),
		"-D", p.dir, "-p", strconv.Itoa(p.port), "-k", p.dir, "-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=200", "-c", "fsync=on")
	if err != nil {
		return err
	}
	p.svc = svc
	return waitFor(ctx, svc, 60*time.Second, func(ctx context.Context) error {
		db, err := sql.Open("postgres", p.url("postgres"))
		if err != nil {
			return err
		}
		defer db.Close()
		return db.PingContext(ctx)
	})
}

// ensureDatabase creates the named database when it does not exist.
func (p *postgres) ensureDatabase(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", p.url("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, `CREATE DATABASE `+quoteIdent(name))
	return err
}

func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}
