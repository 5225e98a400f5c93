package storage

// The application's repeated rows, 外语水平 and 获奖情况: read with the application, changed only
// while its student may edit it.

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"outbound/process"
)

// LanguageScore is one row of 外语水平.
type LanguageScore struct {
	ID            int64  `db:"id" json:"id"`
	ApplicationID int64  `db:"application_id" json:"-"`
	Language      string `db:"language" json:"language"`
	Requirement   string `db:"requirement" json:"requirement"`
	Score         string `db:"score" json:"score"`
	ExamDate      string `db:"exam_date" json:"examDate"`
}

// LanguageScores lists an application's 外语水平.
func (s *Store) LanguageScores(ctx context.Context, applicationID int64) ([]LanguageScore, error) {
	return languageScores(ctx, s.DB, applicationID)
}

func languageScores(ctx context.Context, q sqlx.QueryerContext, applicationID int64) ([]LanguageScore, error) {
	out := []LanguageScore{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, application_id, language, requirement, score, to_char(exam_date, 'YYYY-MM-DD') AS exam_date
		FROM language_scores WHERE application_id = $1 ORDER BY id`, applicationID)
	return out, err
}

// formStage is the stage in which the forms may change, from the process
// definition, as an SQL literal.
var formStage = pq.QuoteLiteral(process.DefaultDefinition().FormStage())

// notSubmitting holds edits back while a submission is checked and its snapshot taken
// (MarkSubmitting); a marker left by a submission that never finished lapses.
const notSubmitting = `(submitting_since IS NULL OR submitting_since < now() - interval '10 minutes')`

// editableDraft guards writes to a draft's parts in the same statement. The share lock makes the
// write wait for a submission that is marking the row, and then see its mark.
var editableDraft = `EXISTS (SELECT 1 FROM applications WHERE id = $1 AND stage = ` + formStage + ` AND ` + notSubmitting + ` FOR SHARE)`

// AddLanguageScore adds a row to an editable application.
func (s *Store) AddLanguageScore(ctx context.Context, l *LanguageScore) error {
	err := s.DB.GetContext(ctx, &l.ID, `INSERT INTO language_scores (application_id, language, requirement, score, exam_date)
		SELECT $1, $2, $3, $4, $5 WHERE `+editableDraft+` RETURNING id`, l.ApplicationID, l.Language, l.Requirement, l.Score, l.ExamDate)
	if notFound(err) == ErrNotFound {
		return ErrConflict
	}
	return err
}

// UpdateLanguageScore changes a row of an editable application.
func (s *Store) UpdateLanguageScore(ctx context.Context, l *LanguageScore) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE language_scores SET language = $3, requirement = $4, score = $5, exam_date = $6
		WHERE application_id = $1 AND id = $2 AND `+editableDraft, l.ApplicationID, l.ID, l.Language, l.Requirement, l.Score, l.ExamDate)
	return rowsOrNotFound(res, err)
}

// DeleteLanguageScore removes a row of an editable application.
func (s *Store) DeleteLanguageScore(ctx context.Context, applicationID, id int64) error {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM language_scores WHERE application_id = $1 AND id = $2 AND `+editableDraft, applicationID, id)
	return rowsOrNotFound(res, err)
}

// Award is one row of 获奖情况.
type Award struct {
	ID            int64  `db:"id" json:"id"`
	ApplicationID int64  `db:"application_id" json:"-"`
	Name          string `db:"name" json:"name"`
	Level         string `db:"level" json:"level"`
	AwardedOn     string `db:"awarded_on" json:"awardedOn"`
	Issuer        string `db:"issuer" json:"issuer"`
}

// Awards lists an application's 获奖情况.
func (s *Store) Awards(ctx context.Context, applicationID int64) ([]Award, error) {
	return awards(ctx, s.DB, applicationID)
}

func awards(ctx context.Context, q sqlx.QueryerContext, applicationID int64) ([]Award, error) {
	out := []Award{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, application_id, name, level, to_char(awarded_on, 'YYYY-MM-DD') AS awarded_on, issuer
		FROM awards WHERE application_id = $1 ORDER BY awarded_on DESC, id`, applicationID)
	return out, err
}

// AddAward adds a row to an editable application.
func (s *Store) AddAward(ctx context.Context, a *Award) error {
	err := s.DB.GetContext(ctx, &a.ID, `INSERT INTO awards (application_id, name, level, awarded_on, issuer)
		SELECT $1, $2, $3, $4, $5 WHERE `+editableDraft+` RETURNING id`, a.ApplicationID, a.Name, a.Level, a.AwardedOn, a.Issuer)
	if notFound(err) == ErrNotFound {
		return ErrConflict
	}
	return err
}

// UpdateAward changes a row of an editable application.
func (s *Store) UpdateAward(ctx context.Context, a *Award) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE awards SET name = $3, level = $4, awarded_on = $5, issuer = $6
		WHERE application_id = $1 AND id = $2 AND `+editableDraft, a.ApplicationID, a.ID, a.Name, a.Level, a.AwardedOn, a.Issuer)
	return rowsOrNotFound(res, err)
}

// DeleteAward removes a row of an editable application.
func (s *Store) DeleteAward(ctx context.Context, applicationID, id int64) error {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM awards WHERE application_id = $1 AND id = $2 AND `+editableDraft, applicationID, id)
	return rowsOrNotFound(res, err)
}
