package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/lib/pq"
	"golang.org/x/sync/errgroup"
)

// StatsFilter narrows the statistics: a project year, a college, a project's 项目期限 and 经费类别,
// a country or region. Empty fields do not narrow.
type StatsFilter struct {
	Year        int
	College     string
	TermLength  string
	FundingKind string
	Country     string
}

// where is the filter as conditions on applications a and projects p, its values appended to args.
// withYear false leaves the year out (the chart by year shows every year).
func (f StatsFilter) where(args *[]any, withYear bool) string {
	conds := []string{"a.submitted_at IS NOT NULL"}
	add := func(cond string, v any) { conds = append(conds, condition(args, cond, v)) }
	if withYear && f.Year != 0 {
		add("p.year = ?", f.Year)
	}
	if f.College != "" {
		add("a.college_code = ?", f.College)
	}
	if f.TermLength != "" {
		add("p.term_length = ?", f.TermLength)
	}
	if f.FundingKind != "" {
		add("p.funding_kind = ?", f.FundingKind)
	}
	if f.Country != "" {
		add("p.country_code = ?", f.Country)
	}
	return strings.Join(conds, " AND ")
}

// Count is one bar: the submitted applications of a group and how many of them were admitted.
type Count struct {
	Key      string `db:"key" json:"key"`
	Label    string `db:"label" json:"label"`
	Applied  int    `db:"applied" json:"applied"`
	Admitted int    `db:"admitted" json:"admitted"`
}

// Funnel counts the submitted applications by how far they went.
type Funnel struct {
	Submitted int `db:"submitted" json:"submitted"`
	Admitted  int `db:"admitted" json:"admitted"`
	Departed  int `db:"departed" json:"departed"`
	Returned  int `db:"returned" json:"returned"`
	Credited  int `db:"credited" json:"credited"`
}

// StageTime is how long a review stage took (the visits that ended) and what waits in it now.
type StageTime struct {
	Stage       string  `db:"stage" json:"stage"`
	Visits      int     `db:"visits" json:"visits"`
	MedianHours float64 `db:"median_hours" json:"medianHours"`
	P90Hours    float64 `db:"p90_hours" json:"p90Hours"`
	OpenNow     int     `db:"open_now" json:"openNow"`
	OverdueNow  int     `db:"overdue_now" json:"overdueNow"`
}

// Statistics are the dashboard's figures under one filter.
type Statistics struct {
	ByYear       []Count     `json:"byYear"`
	ByCollege    []Count     `json:"byCollege"`
	ByCountry    []Count     `json:"byCountry"`
	ByPartner    []Count     `json:"byPartner"`
	ByTermLength []Count     `json:"byTermLength"`
	ByFunding    []Count     `json:"byFunding"`
	Funnel       Funnel      `json:"funnel"`
	StageTimes   []StageTime `json:"stageTimes"`
}

const statsFrom = ` FROM applications a JOIN projects p ON p.id = a.project_id `

// Statistics reads every figure of the dashboard at once. Phases and stages come from the
// process: departed is having reached returnPhase, returned is having left it, credited is a
// completed creditsPhase with at least one line recognised; reviewStages are timed.
func (s *Store) Statistics(ctx context.Context, f StatsFilter, returnPhase, creditsPhase, completed string, reviewStages []string) (*Statistics, error) {
	out := &Statistics{}
	g, gctx := errgroup.WithContext(ctx)
	grouped := func(dst *[]Count, key, label, join string, withYear bool, order string) {
		g.Go(func() error {
			args := []any{}
			where := f.where(&args, withYear)
			*dst = []Count{}
			return s.DB.SelectContext(gctx, dst, `SELECT `+key+` AS key, `+label+` AS label, count(*) AS applied, count(a.admitted_at) AS admitted`+
				statsFrom+join+` WHERE `+where+` GROUP BY 1, 2 ORDER BY `+order, args...)
		})
	}
	grouped(&out.ByYear, "p.year::text", "p.year::text || '年度'", "", false, "1")
	grouped(&out.ByCollege, "a.college_code", "c.name", "JOIN colleges c ON c.code = a.college_code", true, "3 DESC, 1")
	grouped(&out.ByCountry, "p.country_code", "''", "", true, "3 DESC, 1")
	grouped(&out.ByPartner, "coalesce(pt.id::text, '')", "coalesce(pt.name, '')", "LEFT JOIN partners pt ON pt.id = p.partner_id", true, "3 DESC, 2")
	grouped(&out.ByTermLength, "p.term_length", "p.term_length", "", true, "1")
	grouped(&out.ByFunding, "p.funding_kind", "p.funding_kind", "", true, "3 DESC, 1")
	g.Go(func() error {
		args := []any{returnPhase, creditsPhase, completed}
		where := f.where(&args, true)
		return s.DB.GetContext(gctx, &out.Funnel, `SELECT count(*) AS submitted, count(a.admitted_at) AS admitted,
				count(*) FILTER (WHERE a.phase IN ($1, $2)) AS departed,
				count(*) FILTER (WHERE a.phase = $2 OR (a.phase = $1 AND a.stage = $3)) AS returned,
				count(*) FILTER (WHERE a.phase = $2 AND a.stage = $3 AND EXISTS (SELECT 1 FROM credit_lines l
					WHERE l.application_id = a.id AND l.decision IN ('approved', 'changed'))) AS credited`+
			statsFrom+` WHERE `+where, args...)
	})
	g.Go(func() error {
		args := []any{pq.Array(reviewStages)}
		where := f.where(&args, true)
		rows := []StageTime{}
		// Visits that ended, and what is in each stage now (open, overdue), joined by stage.
		err := s.DB.SelectContext(gctx, &rows, `WITH done AS (
				SELECT v.stage, count(*) AS visits,
					percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM v.left_at - v.entered_at)) / 3600 AS median_hours,
					percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM v.left_at - v.entered_at)) / 3600 AS p90_hours
				FROM stage_visits v JOIN applications a ON a.id = v.application_id JOIN projects p ON p.id = a.project_id
				WHERE v.stage = ANY($1) AND `+where+` GROUP BY v.stage),
			now AS (
				SELECT a.stage, count(*) AS open_now, count(*) FILTER (WHERE a.overdue) AS overdue_now`+statsFrom+`
				WHERE a.closed_at IS NULL AND a.stage = ANY($1) AND `+where+` GROUP BY a.stage)
			SELECT coalesce(done.stage, now.stage) AS stage, coalesce(visits, 0) AS visits, coalesce(median_hours, 0) AS median_hours,
				coalesce(p90_hours, 0) AS p90_hours, coalesce(open_now, 0) AS open_now, coalesce(overdue_now, 0) AS overdue_now
			FROM done FULL JOIN now ON now.stage = done.stage`, args...)
		out.StageTimes = rows
		return err
	})
	return out, g.Wait()
}

// Partner is a host institution the office keeps.
type Partner struct {
	ID          int64  `db:"id" json:"id"`
	Name        string `db:"name" json:"name"`
	NameEN      string `db:"name_en" json:"nameEn"`
	CountryCode string `db:"country_code" json:"countryCode"`
	// Projects counts the projects that name it.
	Projects int `db:"projects" json:"projects"`
}

// ErrDuplicatePartner: another host institution has the name.
var ErrDuplicatePartner = errors.New("duplicate partner name")

// Partners lists the host institutions by name.
func (s *Store) Partners(ctx context.Context) ([]Partner, error) {
	out := []Partner{}
	err := s.DB.SelectContext(ctx, &out, `SELECT pt.id, pt.name, pt.name_en, pt.country_code,
			(SELECT count(*) FROM projects p WHERE p.partner_id = pt.id) AS projects
		FROM partners pt ORDER BY pt.country_code, pt.name`)
	return out, err
}

// SavePartner adds a host institution (ID 0) or changes one.
func (s *Store) SavePartner(ctx context.Context, p *Partner) error {
	var err error
	if p.ID == 0 {
		err = s.DB.GetContext(ctx, &p.ID, `INSERT INTO partners (name, name_en, country_code) VALUES ($1, $2, $3) RETURNING id`,
			p.Name, p.NameEN, p.CountryCode)
	} else {
		var res sql.Result
		res, err = s.DB.ExecContext(ctx, `UPDATE partners SET name = $2, name_en = $3, country_code = $4 WHERE id = $1`,
			p.ID, p.Name, p.NameEN, p.CountryCode)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
		}
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" {
		return ErrDuplicatePartner
	}
	return err
}

// PartnerByID is one host institution.
func (s *Store) PartnerByID(ctx context.Context, id int64) (*Partner, error) {
	var p Partner
	err := s.DB.GetContext(ctx, &p, `SELECT id, name, name_en, country_code, 0 AS projects FROM partners WHERE id = $1`, id)
	return &p, notFound(err)
}
