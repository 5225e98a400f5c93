package bench

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"time"

	"github.com/lib/pq"

	"outbound/apiclient"
	"outbound/sheet"
)

// Roster: a roster of n students as an .xlsx through the API, previewed and then applied, against
// the floor of the same work: reading the same file and writing the same rows with one INSERT each
// into scratch copies of the accounts and profiles tables.
func (e *Env) Roster(ctx context.Context) ([]Row, error) {
	n := e.opts.RosterRows
	var adminID int64
	if err := e.Services.Store.DB.GetContext(ctx, &adminID, `SELECT id FROM accounts WHERE username = 'admin'`); err != nil {
		return nil, err
	}
	token, err := e.session(ctx, adminID)
	if err != nil {
		return nil, err
	}
	colleges := []string{"文学院", "理学院", "经济管理学院"}
	degrees := []string{"本科生", "硕士研究生", "博士研究生"}
	rows := make([][]string, n)
	stamp := time.Now().Unix() % 1e6
	for i := range rows {
		year := 2022 + i%4
		rows[i] = []string{fmt.Sprintf("R%d%06d", stamp, i), fmt.Sprintf("学生%d", i), "学生", colleges[i%3], degrees[i%3], "金融学", fmt.Sprintf("%d级", year), fmt.Sprint(year)}
	}
	var file bytes.Buffer
	if err := sheet.WriteXLSX(&file, "名单", []string{"学号/工号", "姓名", "角色", "学院", "在读学历", "专业", "年级", "入学年份"}, rows); err != nil {
		return nil, err
	}
	send := func(mode string) (time.Duration, error) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		part, _ := w.CreateFormFile("file", "roster.xlsx")
		_, _ = part.Write(file.Bytes())
		_ = w.Close()
		start := time.Now()
		status, err := status(e.api().ImportRosterWithBody(ctx, &apiclient.ImportRosterParams{Mode: ptr(apiclient.ImportRosterParamsMode(mode))}, w.FormDataContentType(), &body, as(token)))
		if err == nil && status != 200 {
			err = fmt.Errorf("roster %s answered %d", mode, status)
		}
		return time.Since(start), err
	}
	preview, err := send("preview")
	if err != nil {
		return nil, err
	}
	apply, err := send("apply")
	if err != nil {
		return nil, err
	}
	again, err := send("apply")
	if err != nil {
		return nil, err
	}
	base, err := e.rosterFloor(ctx, file.Bytes())
	if err != nil {
		return nil, err
	}
	s := func(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
	label := fmt.Sprintf("roster import, %d students (.xlsx, %d KB)", n, file.Len()>>10)
	return []Row{
		{Scenario: label + ": preview", Figures: s(preview), Baseline: s(base), Ratio: ratio(base.Seconds(), preview.Seconds()), Goal: "seconds"},
		{Scenario: label + ": apply (new accounts)", Figures: s(apply), Baseline: s(base), Ratio: ratio(base.Seconds(), apply.Seconds()), Goal: "seconds"},
		{Scenario: label + ": apply again (unchanged)", Figures: s(again), Baseline: s(base), Ratio: ratio(base.Seconds(), again.Seconds()), Goal: "seconds"},
	}, nil
}

// rosterFloor reads the file and inserts its rows into scratch tables shaped like the real ones.
func (e *Env) rosterFloor(ctx context.Context, file []byte) (time.Duration, error) {
	start := time.Now()
	table, err := sheet.Read(bytes.NewReader(file))
	if err != nil {
		return 0, err
	}
	usernames, names := make([]string, len(table.Rows)), make([]string, len(table.Rows))
	for i, r := range table.Rows {
		usernames[i], names[i] = r[0]+"f", r[1]
	}
	tx, err := e.Services.Store.DB.BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	for _, stmt := range []string{
		`CREATE TEMP TABLE floor_accounts (LIKE accounts INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES) ON COMMIT DROP`,
		`CREATE TEMP TABLE floor_profiles (LIKE student_profiles INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO floor_accounts (id, username, display_name, role, college_code)
		SELECT row_number() OVER (), u, n, 'student', 'LIT' FROM unnest($1::text[], $2::text[]) AS r(u, n)`,
		pq.StringArray(usernames), pq.StringArray(names)); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO floor_profiles (account_id, system_no, name_cn, college_code)
		SELECT id, 'F' || id, display_name, 'LIT' FROM floor_accounts`); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
