package service

import (
	"context"
	"errors"
	"strings"

	"outbound/config"
	"outbound/process"
	"outbound/storage"
)

// CASIdentity is who the CAS server says signed in: its user and the attributes it released.
type CASIdentity struct {
	User       string
	Attributes map[string]string
}

// casNumberAttributes may carry the 学号/工号 when no attribute is configured, most specific first.
var casNumberAttributes = []string{"studentNumber", "studentNo", "employeeNumber", "staffNumber", "uid"}

// number is the 学号/工号 of the identity.
func (id CASIdentity) number(cfg config.CASConfig) string {
	if cfg.NumberAttribute != "" {
		return strings.TrimSpace(id.Attributes[cfg.NumberAttribute])
	}
	for _, key := range casNumberAttributes {
		if v := strings.TrimSpace(id.Attributes[key]); v != "" {
			return v
		}
	}
	return strings.TrimSpace(id.User)
}

// AccountForCAS is the account of the person CAS vouched for. With provisioning
// from attributes, a person not yet in the roster gets an account from their
// attributes, and an existing account takes the name and college CAS knows;
// its role stays what the roster or an administrator gave it.
func (s *Service) AccountForCAS(ctx context.Context, id CASIdentity, addr string) (*storage.Account, error) {
	acc, err := s.accountForCAS(ctx, id, addr)
	var e *Error
	switch {
	case err == nil:
		if err := s.recordAccess(ctx, Caller{Account: acc, Addr: addr}, "auth.login", "account", acc.ID, map[string]any{"source": "cas"}); err != nil {
			return nil, err
		}
	case errors.As(err, &e) && e.Kind == KindForbidden:
		s.audit(ctx, Caller{Account: &storage.Account{}, Addr: addr}, "auth.login_failed", "account",
			process.CleanText(id.User, process.MaxNameRunes), nil, map[string]any{"source": "cas", "reason": e.Message})
	}
	return acc, err
}

func (s *Service) accountForCAS(ctx context.Context, id CASIdentity, addr string) (*storage.Account, error) {
	cfg := s.Config.CAS
	number := id.number(cfg)
	if number == "" {
		return nil, Forbidden("统一身份认证未提供学号或工号，" + process.ContactOffice)
	}
	var acc *storage.Account
	err := storage.ErrNotFound // a name no account can have is not looked up
	if usernameRE.MatchString(number) {
		acc, err = s.Store.AccountByUsername(ctx, number)
	}
	switch {
	case errors.Is(err, storage.ErrNotFound):
		acc = nil
	case err != nil:
		return nil, err
	}
	if acc != nil && acc.Disabled {
		return nil, Forbidden("账号已停用，" + process.ContactOffice)
	}
	// An account kept for sign-in here (an administrator's always is) is not CAS's to open, nor to
	// rewrite from its attributes.
	if acc != nil && !acc.CASSignIn {
		return nil, Forbidden("学号/工号 " + number + " 的账号只能使用本系统密码登录，不能通过统一身份认证登录，" + process.ContactOffice)
	}
	if cfg.Provision != config.ProvisionAttributes {
		if acc == nil {
			return nil, Forbidden("学号/工号 " + number + " 尚未开通外事综合服务系统账号，" + process.ContactOffice)
		}
		return acc, nil
	}
	entry, refusal, err := s.casEntry(ctx, number, id, acc)
	if err != nil {
		return nil, err
	}
	if refusal != "" {
		return nil, Forbidden(refusal)
	}
	if acc != nil && acc.DisplayName == entry.DisplayName && acc.College() == deref(entry.CollegeCode) {
		return acc, nil
	}
	if err := s.Store.ApplyRoster(ctx, []storage.RosterEntry{entry}, nil); err != nil {
		return nil, err
	}
	after, err := s.Store.AccountByUsername(ctx, number)
	if err != nil {
		return nil, err
	}
	action := "account.provision"
	if acc != nil {
		action = "account.provision_update"
	}
	s.audit(ctx, Caller{Account: after, Addr: addr}, action, "account", after.ID, nil,
		map[string]any{"username": after.Username, "displayName": after.DisplayName, "role": after.Role, "college": after.CollegeCode})
	return after, nil
}

// casEntry is the account as the attributes describe it, or why they cannot make one.
func (s *Service) casEntry(ctx context.Context, number string, id CASIdentity, acc *storage.Account) (storage.RosterEntry, string, error) {
	cfg := s.Config.CAS
	e := storage.RosterEntry{Username: number}
	if acc != nil {
		e.DisplayName, e.Role, e.CollegeCode = acc.DisplayName, acc.Role, acc.CollegeCode
	} else {
		if !usernameRE.MatchString(number) {
			return e, "学号/工号 " + number + " 的格式无法开通账号，" + process.ContactOffice, nil
		}
		roles, err := cfg.Roles()
		if err != nil {
			return e, "", err
		}
		kind := strings.TrimSpace(id.Attributes[cfg.RoleAttribute])
		role, ok := roles[kind]
		if !ok {
			return e, "您的身份（" + kind + "）不能自动开通外事综合服务系统账号，" + process.ContactOffice, nil
		}
		e.Role = string(role)
	}
	if name := strings.TrimSpace(id.Attributes[cfg.NameAttribute]); name != "" && process.TextProblem("姓名", name, process.MaxNameRunes) == "" {
		e.DisplayName = name
	}
	if e.DisplayName == "" {
		return e, "统一身份认证未提供您的姓名，无法开通账号，" + process.ContactOffice, nil
	}
	if process.Role(e.Role).Scoped() {
		if named := strings.TrimSpace(id.Attributes[cfg.CollegeAttribute]); named != "" {
			colleges, err := s.Store.Colleges(ctx)
			if err != nil {
				return e, "", err
			}
			check := rosterCheck{colleges: colleges}
			code, problem := check.college(named)
			switch {
			case problem == "":
				e.CollegeCode = &code
			case e.CollegeCode == nil:
				return e, "学院“" + named + "”尚未登记，无法开通账号，" + process.ContactOffice, nil
			}
		}
		if e.CollegeCode == nil {
			return e, "统一身份认证未提供您的学院，无法开通账号，" + process.ContactOffice, nil
		}
	}
	return e, "", nil
}
