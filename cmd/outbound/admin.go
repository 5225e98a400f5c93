package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"outbound/config"
	"outbound/process"
	"outbound/service"
	"outbound/storage"
)

// The administration commands work on the database alone, so that a fresh
// install can be opened (first administrator, colleges, roster) before
// anything else runs.

// withService opens the database and runs fn with the application service over it.
func withService(load loader, c *cobra.Command, fn func(ctx context.Context, svc *service.Service) error) error {
	// Only the database is needed: the rules for the other services are relaxed.
	cfg, err := load(c, true)
	if err != nil {
		return err
	}
	store, err := openStore(cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	return readable(fn(context.Background(), service.New(cfg, store, nil, nil)))
}

// openStore connects with the field keys, as the API and the worker do, so that what a command
// writes is sealed the same way.
func openStore(cfg *config.Config) (*storage.Store, error) {
	if cfg.Database.URL == "" {
		return nil, errors.New("database.url: required (set OUTBOUND_DATABASE_URL)")
	}
	return storage.Open(context.Background(), cfg.Database.URL, 2, storage.FieldKeys{Keys: cfg.Database.FieldKeys, Current: cfg.Database.FieldKeyID})
}

// readable turns the service's errors into their Chinese message and the fields they name.
func readable(err error) error {
	if err == nil {
		return nil
	}
	e := service.AsError(err)
	if e == nil || e.Kind == service.KindInternal {
		return err
	}
	msg := e.Message
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		msg += fmt.Sprintf("\n  %s: %s", k, e.Fields[k])
	}
	return errors.New(msg)
}

func accountsCommand(load loader) *cobra.Command {
	cmd := &cobra.Command{Use: "accounts", Short: "manage accounts (the first administrator of a new install)"}
	var in service.AccountInput
	var college string
	var passwordStdin, casOnly bool
	create := &cobra.Command{
		Use:   "create --username NAME --name 姓名 --role ROLE [--college CODE] [--password-stdin | --cas-only]",
		Short: "open an account; without --password-stdin a random password is printed once",
		Example: `  outbound accounts create --username admin --name 系统管理员 --role admin
  echo "$PASSWORD" | outbound accounts create --username T0001 --name 王老师 --role college_reviewer --college ECO --password-stdin`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			generated := false
			switch {
			case passwordStdin:
				line, err := bufio.NewReader(c.InOrStdin()).ReadString('\n')
				if err != nil && !errors.Is(err, io.EOF) {
					return err
				}
				in.Password, in.OwnPassword = strings.TrimRight(line, "\r\n"), true
			case !casOnly:
				in.Password, generated = randomPassword(), true
			}
			if college != "" {
				in.CollegeCode = &college
			}
			return withService(load, c, func(ctx context.Context, svc *service.Service) error {
				a, err := svc.CreateAccount(ctx, service.CommandLine(), in)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.OutOrStdout(), "created account %d: %s (%s, %s)\n", a.ID, a.Username, a.DisplayName, a.Role)
				if generated {
					fmt.Fprintf(c.OutOrStdout(), "password: %s\n(shown once; change it after signing in, or reset it in 账号管理)\n", in.Password)
				}
				return nil
			})
		},
	}
	f := create.Flags()
	f.StringVar(&in.Username, "username", "", "学号/工号, the sign-in name")
	f.StringVar(&in.DisplayName, "name", "", "姓名")
	f.StringVar(&in.Role, "role", "admin", "one of: "+process.RoleCodes(", "))
	f.StringVar(&college, "college", "", "college code (students and college reviewers)")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	f.BoolVar(&casOnly, "cas-only", false, "no local password: the account signs in through CAS only")
	_ = create.MarkFlagRequired("username")
	_ = create.MarkFlagRequired("name")
	cmd.AddCommand(create)
	return cmd
}

// randomPassword is 16 characters that read unambiguously.
func randomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func collegesCommand(load loader) *cobra.Command {
	cmd := &cobra.Command{Use: "colleges", Short: "manage the colleges (学院)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "save CODE NAME",
		Short: "create a college, or rename the college of that code",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			return withService(load, c, func(ctx context.Context, svc *service.Service) error {
				col, err := svc.SaveCollege(ctx, service.CommandLine(), storage.College{Code: args[0], Name: args[1]})
				if err == nil {
					fmt.Fprintf(c.OutOrStdout(), "saved college %s %s\n", col.Code, col.Name)
				}
				return err
			})
		},
	})
	var apply bool
	imp := &cobra.Command{
		Use:   "import FILE.xlsx|FILE.csv",
		Short: "preview, and with --apply write, the colleges of a spreadsheet (学院代码, 学院名称)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return importFile(c, load, args[0], apply, func(ctx context.Context, svc *service.Service, file io.Reader, apply bool) (*service.CollegeReport, error) {
				return svc.ImportColleges(ctx, service.CommandLine(), file, apply)
			})
		},
	}
	imp.Flags().BoolVar(&apply, "apply", false, "write the colleges (otherwise only preview)")
	cmd.AddCommand(imp)
	return cmd
}

func rosterCommand(load loader) *cobra.Command {
	cmd := &cobra.Command{Use: "roster", Short: "import the roster (名单) of students and staff"}
	var opt service.RosterOptions
	imp := &cobra.Command{
		Use:   "import FILE.xlsx|FILE.csv",
		Short: "preview, and with --apply write, a roster; GET /api/v1/roster/template has the columns",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return importFile(c, load, args[0], opt.Apply, func(ctx context.Context, svc *service.Service, file io.Reader, apply bool) (*service.RosterReport, error) {
				o := opt
				o.Apply = apply
				return svc.ImportRoster(ctx, service.CommandLine(), file, o)
			})
		},
	}
	imp.Flags().BoolVar(&opt.Apply, "apply", false, "write the roster (otherwise only preview)")
	imp.Flags().BoolVar(&opt.DisableAbsent, "disable-absent", false, "disable the accounts of the file's roles and colleges that it does not name")
	cmd.AddCommand(imp)
	return cmd
}

// importFile previews a spreadsheet and, asked to apply and with no wrong row, applies it; it
// prints every row that changes something, then the counts.
func importFile[R service.ImportRow](c *cobra.Command, load loader, path string, apply bool,
	run func(ctx context.Context, svc *service.Service, file io.Reader, apply bool) (*service.ImportReport[R], error)) error {
	file, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return withService(load, c, func(ctx context.Context, svc *service.Service) error {
		// The preview lists every wrong row; only a clean file is applied.
		report, err := run(ctx, svc, bytes.NewReader(file), false)
		if err == nil && apply && report.Counts[service.ImportInvalid] == 0 {
			report, err = run(ctx, svc, bytes.NewReader(file), true)
		}
		if err != nil {
			return err
		}
		for _, r := range report.Rows {
			if line, what, action, problems := r.Printed(); action != service.ImportUnchanged {
				printRow(c.OutOrStdout(), line, what, action, problems)
			}
		}
		return summary(c.OutOrStdout(), report.Counts, report.Applied)
	})
}

func printRow(w io.Writer, line int, what, action string, problems []service.CellProblem) {
	where := "-"
	if line > 0 {
		where = fmt.Sprint(line)
	}
	fmt.Fprintf(w, "%6s  %-9s  %s\n", where, action, what)
	for _, p := range problems {
		fmt.Fprintf(w, "%6s  %-9s    %s: %s\n", "", "", p.Column, p.Message)
	}
}

func summary(w io.Writer, counts map[string]int, applied bool) error {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, counts[k])
	}
	state := "preview only; add --apply to write it"
	if applied {
		state = "applied"
	}
	fmt.Fprintf(w, "%s (%s)\n", strings.Join(parts, ", "), state)
	if counts[service.ImportInvalid] > 0 {
		return fmt.Errorf("%d rows are wrong; nothing was written", counts[service.ImportInvalid])
	}
	return nil
}
