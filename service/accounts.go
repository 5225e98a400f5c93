package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"outbound/process"
	"outbound/storage"
)

// AccountView is an account as its owner sees it.
type AccountView struct {
	ID          int64   `json:"id"`
	Username    string  `json:"username"`
	DisplayName string  `json:"displayName"`
	Role        string  `json:"role"`
	CollegeCode *string `json:"collegeCode"`
	CollegeName *string `json:"collegeName"`
	// LocalPassword: the account has a password here (besides, or instead of, CAS).
	LocalPassword bool `json:"localPassword"`
	// MustChangePassword: an administrator set the password; nothing else is open until it is changed.
	MustChangePassword bool `json:"mustChangePassword"`
}

// ViewOf is the account as its owner sees it.
func ViewOf(a *storage.Account) AccountView {
	return AccountView{ID: a.ID, Username: a.Username, DisplayName: a.DisplayName, Role: a.Role, CollegeCode: a.CollegeCode,
		CollegeName: a.CollegeName, LocalPassword: a.PasswordHash != nil, MustChangePassword: a.MustChangePassword}
}

// AdminAccountView is an account as administrators see it.
type AdminAccountView struct {
	AccountView
	Disabled bool `json:"disabled"`
	// Email is where staff get their e-mails (a student's profile address comes first).
	Email string `json:"email"`
	// CASSignIn: the university's CAS may sign in to this account.
	CASSignIn bool `json:"casSignIn"`
}

func adminView(a *storage.Account) AdminAccountView {
	return AdminAccountView{AccountView: ViewOf(a), Disabled: a.Disabled, Email: a.Email, CASSignIn: a.CASSignIn}
}

// AccountInput is what administrators set on an account.
type AccountInput struct {
	Username    string  `json:"username"`
	DisplayName string  `json:"displayName"`
	Role        string  `json:"role"`
	CollegeCode *string `json:"collegeCode"`
	Password    string  `json:"password"`
	Disabled    bool    `json:"disabled"`
	Email       string  `json:"email"`
	// CASSignIn lets CAS sign in to the account; when not given, an account without a password
	// here is a CAS account, and an account keeps what it had.
	CASSignIn *bool `json:"casSignIn"`
	// OwnPassword: the password is its owner's own choice (typed by them at the command line), not
	// one an administrator gives, which its owner must change at the first sign-in.
	OwnPassword bool `json:"-"`
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]{2,64}$`)

func (s *Service) validateAccount(ctx context.Context, in *AccountInput, creating bool) error {
	f := fields{}
	if creating && !usernameRE.MatchString(in.Username) {
		f.add("username", "用户名（学号/工号）应为2至64位字母、数字或 _ . @ -")
	}
	f.requiredText("displayName", "姓名", in.DisplayName, process.MaxNameRunes)
	role := process.Role(in.Role)
	if !slices.Contains(process.Roles, role) {
		f.add("role", "角色应为 "+process.RoleCodes("、"))
	}
	if in.CollegeCode != nil && *in.CollegeCode == "" {
		in.CollegeCode = nil
	}
	if role.Scoped() && in.CollegeCode == nil {
		f.add("collegeCode", "学生和学院审核员须指定所在学院")
	}
	if !role.Scoped() {
		in.CollegeCode = nil
	}
	if in.CollegeCode != nil {
		colleges, err := s.Store.Colleges(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(colleges, func(col storage.College) bool { return col.Code == *in.CollegeCode }) {
			f.add("collegeCode", "学院不存在")
		}
	}
	if role == process.RoleAdmin && in.CASSignIn != nil && *in.CASSignIn {
		f.add("casSignIn", "管理员账号只能使用本系统密码登录，不能通过统一身份认证登录")
	}
	if in.Password != "" {
		checkNewPassword(f, "password", in.Password, in.Username, in.DisplayName)
	}
	in.Email = strings.TrimSpace(in.Email)
	if len(in.Email) > 254 || (in.Email != "" && !validEmail(in.Email)) {
		f.add("email", "电子邮件格式不正确")
	}
	return f.err()
}

// AccountFilter narrows the list of accounts.
type AccountFilter struct {
	Role, Query string
	Paging
}

// Accounts lists accounts for administrators.
func (s *Service) Accounts(ctx context.Context, in AccountFilter) (*Page[AdminAccountView], error) {
	f := fields{}
	f.text("role", "角色", in.Role, 64)
	f.text("q", "搜索内容", in.Query, 100)
	if err := f.err(); err != nil {
		return nil, err
	}
	limit, offset, pageNo := in.bounds()
	items, total, err := s.Store.Accounts(ctx, storage.AccountFilter{Role: in.Role, Query: in.Query, Limit: limit, Offset: offset})
	if err != nil {
		return nil, err
	}
	out := make([]AdminAccountView, len(items))
	for i := range items {
		out[i] = adminView(&items[i])
	}
	return &Page[AdminAccountView]{Items: out, Total: total, Page: pageNo, PageSize: limit}, nil
}

// hashPassword hashes a local password; "" means a CAS-only account.
func hashPassword(pw string) (*string, error) {
	if pw == "" {
		return nil, nil
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	hs := string(h)
	return &hs, nil
}

// CreateAccount opens an account of any role.
func (s *Service) CreateAccount(ctx context.Context, who Caller, in AccountInput) (*AdminAccountView, error) {
	if err := s.validateAccount(ctx, &in, true); err != nil {
		return nil, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	cas := in.Password == "" && process.Role(in.Role) != process.RoleAdmin
	if in.CASSignIn != nil {
		cas = *in.CASSignIn
	}
	a := &storage.Account{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, CollegeCode: in.CollegeCode, PasswordHash: hash, Email: in.Email,
		CASSignIn: cas, MustChangePassword: hash != nil && !in.OwnPassword}
	if err := s.Store.CreateAccount(ctx, a); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "account.create", "account", a.ID, nil, map[string]any{"username": a.Username, "role": a.Role, "college": a.CollegeCode, "casSignIn": a.CASSignIn})
	return s.adminAccount(ctx, a.ID)
}

// UpdateAccount changes an account's name, role, college or state.
func (s *Service) UpdateAccount(ctx context.Context, who Caller, id int64, in AccountInput) (*AdminAccountView, error) {
	if err := s.validateAccount(ctx, &in, false); err != nil {
		return nil, err
	}
	before, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if id == who.ID && (in.Disabled || in.Role != before.Role) {
		return nil, conflict("self_change", "不能停用自己的账号或修改自己的角色")
	}
	if before.Role == string(process.RoleStudent) && in.Role != before.Role {
		return nil, conflict("role_change", "学生账号不能改为其他角色")
	}
	cas := before.CASSignIn && process.Role(in.Role) != process.RoleAdmin
	if in.CASSignIn != nil {
		cas = *in.CASSignIn
	}
	a := &storage.Account{ID: id, DisplayName: in.DisplayName, Role: in.Role, CollegeCode: in.CollegeCode, Disabled: in.Disabled, Email: in.Email, CASSignIn: cas}
	if err := s.Store.UpdateAccount(ctx, a); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "account.update", "account", id,
		map[string]any{"displayName": before.DisplayName, "role": before.Role, "college": before.CollegeCode, "disabled": before.Disabled, "email": before.Email, "casSignIn": before.CASSignIn},
		map[string]any{"displayName": a.DisplayName, "role": a.Role, "college": a.CollegeCode, "disabled": a.Disabled, "email": a.Email, "casSignIn": a.CASSignIn})
	return s.adminAccount(ctx, id)
}

// ResetPassword sets a local password for an account.
func (s *Service) ResetPassword(ctx context.Context, who Caller, id int64, password string) error {
	acc, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	f := fields{}
	checkNewPassword(f, "password", password, acc.Username, acc.DisplayName)
	if err := f.err(); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, id, *hash); err != nil {
		return err
	}
	s.audit(ctx, who, "account.reset_password", "account", id, nil, nil)
	return nil
}

func (s *Service) adminAccount(ctx context.Context, id int64) (*AdminAccountView, error) {
	a, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	v := adminView(a)
	return &v, nil
}

// Session is a signed-in session: the bearer token (also the session cookie)
// and the token a browser sends back on every write.
type Session struct {
	Token     string      `json:"token"`
	CSRFToken string      `json:"csrfToken"`
	ExpiresAt time.Time   `json:"expiresAt"`
	Account   AccountView `json:"account"`
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness is gone; nothing safe can follow
	}
	return hex.EncodeToString(b)
}

func hashToken(t string) []byte {
	sum := sha256.Sum256([]byte(t))
	return sum[:]
}

// OpenSession starts a session for an account that signed in.
func (s *Service) OpenSession(ctx context.Context, acc *storage.Account) (*Session, error) {
	sess := &Session{Token: newToken(), CSRFToken: newToken(), ExpiresAt: time.Now().Add(s.Config.Auth.SessionTTL), Account: ViewOf(acc)}
	if err := s.Store.CreateSession(ctx, hashToken(sess.Token), acc.ID, sess.CSRFToken, sess.ExpiresAt); err != nil {
		return nil, err
	}
	return sess, nil
}

// SessionAccount finds the account of a session token and the session's CSRF token.
func (s *Service) SessionAccount(ctx context.Context, token string) (*storage.Account, string, error) {
	acc, csrf, err := s.Store.SessionAccount(ctx, hashToken(token))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, "", &Error{Kind: KindUnauthenticated, Code: "session_expired", Message: "登录已过期，请重新登录"}
	}
	if err != nil {
		return nil, "", err
	}
	if acc.Disabled {
		return nil, "", Forbidden("账号已停用")
	}
	return acc, csrf, nil
}

// CloseSession ends a session.
func (s *Service) CloseSession(ctx context.Context, token string) error {
	return s.Store.DeleteSession(ctx, hashToken(token))
}

// AuditFilter narrows the audit log: who, what (an action or its family, "account."), to what kind
// of object and which one, and the days (Beijing time, both included, as YYYY-MM-DD).
type AuditFilter struct {
	Actor, Action, TargetType, TargetID, From, To string
	Paging
}

// AuditLog is a page of the audit log.
func (s *Service) AuditLog(ctx context.Context, in AuditFilter) (*Page[storage.AuditRow], error) {
	f := fields{}
	f.text("actor", "操作人", in.Actor, 64)
	f.text("action", "操作", in.Action, 64)
	f.text("targetType", "对象类型", in.TargetType, 32)
	f.text("targetId", "对象编号", in.TargetID, 64)
	day := func(name, label, v string, next bool) *time.Time {
		if v == "" {
			return nil
		}
		d, err := time.ParseInLocation("2006-01-02", v, process.Zone)
		if err != nil || d.Year() < 2000 || d.Year() > 2100 {
			f.add(name, label+"应为 2000 至 2100 年间的日期，如 2026-09-01")
			return nil
		}
		if next {
			d = d.AddDate(0, 0, 1)
		}
		return &d
	}
	from, to := day("from", "开始日期", in.From, false), day("to", "结束日期", in.To, true)
	if from != nil && to != nil && !from.Before(*to) {
		f.add("to", "结束日期不能早于开始日期")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	limit, offset, pageNo := in.bounds()
	items, total, err := s.Store.AuditLog(ctx, storage.AuditFilter{Actor: in.Actor, Action: in.Action, TargetType: in.TargetType,
		TargetID: in.TargetID, From: from, To: to, Limit: limit, Offset: offset})
	if err != nil {
		return nil, err
	}
	return &Page[storage.AuditRow]{Items: items, Total: total, Page: pageNo, PageSize: limit}, nil
}

// Dashboard is the offices' overview.
type Dashboard struct {
	Stages   []storage.StageStats `json:"stages"`
	Projects []storage.QuotaStats `json:"projects"`
}

// Dashboard counts applications by stage and admissions by project.
func (s *Service) Dashboard(ctx context.Context) (*Dashboard, error) {
	stages, quotas, err := s.Store.Dashboard(ctx)
	if err != nil {
		return nil, err
	}
	return &Dashboard{Stages: stages, Projects: quotas}, nil
}

// Notifications are the caller's latest notifications.
type Notifications struct {
	Items  []storage.Notification `json:"items"`
	Unread int                    `json:"unread"`
}

// Notifications lists the caller's latest notifications.
func (s *Service) Notifications(ctx context.Context, who Caller) (*Notifications, error) {
	items, err := s.Store.Notifications(ctx, who.ID, 50)
	if err != nil {
		return nil, err
	}
	unread, err := s.Store.UnreadNotifications(ctx, who.ID)
	return &Notifications{Items: items, Unread: unread}, err
}

// Unread is what the header shows on every page: the count alone, not the list.
type Unread struct {
	Unread int `json:"unread"`
}

func (s *Service) UnreadCount(ctx context.Context, who Caller) (*Unread, error) {
	n, err := s.Store.UnreadNotifications(ctx, who.ID)
	return &Unread{Unread: n}, err
}

// ReadNotification marks one of the caller's notifications read.
func (s *Service) ReadNotification(ctx context.Context, who Caller, id int64) error {
	return s.Store.MarkNotificationRead(ctx, who.ID, id)
}

// ReadAllNotifications marks every unread notification of the caller read (全部已读).
func (s *Service) ReadAllNotifications(ctx context.Context, who Caller) (*Unread, error) {
	if _, err := s.Store.MarkAllNotificationsRead(ctx, who.ID); err != nil {
		return nil, err
	}
	return &Unread{Unread: 0}, nil
}
