package storage

import (
	"context"
)

// Profile is 我的个人资料. Dates are YYYY-MM-DD strings, as the forms send them.
type Profile struct {
	AccountID         int64   `db:"account_id" json:"-"`
	SystemNo          string  `db:"system_no" json:"systemNo"`
	StudentNo         string  `db:"student_no" json:"studentNo"`
	NameCN            string  `db:"name_cn" json:"nameCn"`
	NamePinyin        string  `db:"name_pinyin" json:"namePinyin"`
	Gender            string  `db:"gender" json:"gender"`
	BirthDate         *string `db:"birth_date" json:"birthDate"`
	IDCardNo          string  `db:"id_card_no" json:"idCardNo"`
	HukouLocation     string  `db:"hukou_location" json:"hukouLocation"`
	PoliticalStatus   string  `db:"political_status" json:"politicalStatus"`
	HealthStatus      string  `db:"health_status" json:"healthStatus"`
	Birthplace        string  `db:"birthplace" json:"birthplace"`
	NativePlace       string  `db:"native_place" json:"nativePlace"`
	FamilyAddress     string  `db:"family_address" json:"familyAddress"`
	Ethnicity         string  `db:"ethnicity" json:"ethnicity"`
	AdmissionCategory string  `db:"admission_category" json:"admissionCategory"`
	CollegeCode       string  `db:"college_code" json:"collegeCode"`
	CollegeName       string  `db:"college_name" json:"collegeName"`
	EnrollmentYear    *int    `db:"enrollment_year" json:"enrollmentYear"`
	DegreeLevel       string  `db:"degree_level" json:"degreeLevel"`
	Major             string  `db:"major" json:"major"`
	Grade             string  `db:"grade" json:"grade"`
	SchoolingLength   string  `db:"schooling_length" json:"schoolingLength"`
	Phone             string  `db:"phone" json:"phone"`
	Email             string  `db:"email" json:"email"`
	QQ                string  `db:"qq" json:"qq"`
	WeChat            string  `db:"wechat" json:"wechat"`
	Fax               string  `db:"fax" json:"fax"`
	HomeAddress       string  `db:"home_address" json:"homeAddress"`
	HomePhone         string  `db:"home_phone" json:"homePhone"`
	EmergencyName     string  `db:"emergency_name" json:"emergencyName"`
	EmergencyPhone    string  `db:"emergency_phone" json:"emergencyPhone"`
	EmergencyRelation string  `db:"emergency_relation" json:"emergencyRelation"`
	PhotoAttachmentID *int64  `db:"photo_attachment_id" json:"photoAttachmentId"`
	PhotoCheckResult  string  `db:"photo_check_result" json:"photoCheckResult"`
}

// LearningExperience is one row of 学习经历.
type LearningExperience struct {
	ID            int64  `db:"id" json:"id"`
	AccountID     int64  `db:"account_id" json:"-"`
	StartDate     string `db:"start_date" json:"startDate"`
	EndDate       string `db:"end_date" json:"endDate"`
	SchoolName    string `db:"school_name" json:"schoolName"`
	SchoolAddress string `db:"school_address" json:"schoolAddress"`
	Degree        string `db:"degree" json:"degree"`
}

const profileSelect = `SELECT p.account_id, p.system_no, a.username AS student_no, p.name_cn, p.name_pinyin, p.gender,
	to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date, outbound_open(p.id_card_no) AS id_card_no, p.hukou_location, p.political_status,
	p.health_status, p.birthplace, p.native_place, p.family_address, p.ethnicity, p.admission_category,
	p.college_code, c.name AS college_name, p.enrollment_year, p.degree_level, p.major, p.grade, p.schooling_length,
	p.phone, p.email, p.qq, p.wechat, p.fax, p.home_address, p.home_phone, p.emergency_name, p.emergency_phone,
	p.emergency_relation, p.photo_attachment_id, p.photo_check_result
	FROM student_profiles p JOIN accounts a ON a.id = p.account_id JOIN colleges c ON c.code = p.college_code`

// ProfileByAccount returns a student's profile.
func (s *Store) ProfileByAccount(ctx context.Context, accountID int64) (*Profile, error) {
	var p Profile
	err := s.DB.GetContext(ctx, &p, profileSelect+` WHERE p.account_id = $1`, accountID)
	return &p, notFound(err)
}

// SaveProfile writes the fields a student edits (not the college, number or photo).
func (s *Store) SaveProfile(ctx context.Context, p *Profile) error {
	res, err := s.DB.NamedExecContext(ctx, `UPDATE student_profiles SET
		name_cn = :name_cn, name_pinyin = :name_pinyin, gender = :gender, birth_date = :birth_date,
		id_card_no = outbound_seal(:id_card_no), hukou_location = :hukou_location, political_status = :political_status,
		health_status = :health_status, birthplace = :birthplace, native_place = :native_place,
		family_address = :family_address, ethnicity = :ethnicity, admission_category = :admission_category,
		enrollment_year = :enrollment_year, degree_level = :degree_level, major = :major, grade = :grade,
		schooling_length = :schooling_length, phone = :phone, email = :email, qq = :qq, wechat = :wechat,
		fax = :fax, home_address = :home_address, home_phone = :home_phone, emergency_name = :emergency_name,
		emergency_phone = :emergency_phone, emergency_relation = :emergency_relation, updated_at = now()
		WHERE account_id = :account_id`, p)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetProfilePhoto points the profile at a new photo; the old one stays as history.
func (s *Store) SetProfilePhoto(ctx context.Context, accountID, attachmentID int64, checkResult string) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE student_profiles SET photo_attachment_id = $2, photo_check_result = $3, updated_at = now() WHERE account_id = $1`,
		accountID, attachmentID, checkResult)
	return err
}

// LearningExperiences lists a student's 学习经历 in time order.
func (s *Store) LearningExperiences(ctx context.Context, accountID int64) ([]LearningExperience, error) {
	out := []LearningExperience{}
	err := s.DB.SelectContext(ctx, &out, `SELECT id, account_id, to_char(start_date, 'YYYY-MM-DD') AS start_date,
		to_char(end_date, 'YYYY-MM-DD') AS end_date, school_name, school_address, degree
		FROM learning_experiences WHERE account_id = $1 ORDER BY start_date, id`, accountID)
	return out, err
}

// AddLearningExperience inserts a row and returns its ID.
func (s *Store) AddLearningExperience(ctx context.Context, e *LearningExperience) error {
	return s.DB.GetContext(ctx, &e.ID, `INSERT INTO learning_experiences (account_id, start_date, end_date, school_name, school_address, degree)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, e.AccountID, e.StartDate, e.EndDate, e.SchoolName, e.SchoolAddress, e.Degree)
}

// UpdateLearningExperience changes a row of the same student.
func (s *Store) UpdateLearningExperience(ctx context.Context, e *LearningExperience) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE learning_experiences SET start_date = $3, end_date = $4, school_name = $5, school_address = $6, degree = $7
		WHERE id = $1 AND account_id = $2`, e.ID, e.AccountID, e.StartDate, e.EndDate, e.SchoolName, e.SchoolAddress, e.Degree)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteLearningExperience removes a row of the same student.
func (s *Store) DeleteLearningExperience(ctx context.Context, accountID, id int64) error {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM learning_experiences WHERE id = $1 AND account_id = $2`, id, accountID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
