package service

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/bcrypt"

	"outbound/process"
	"outbound/storage"
)

// Sign-in rules. A wrong password slows the next tries down and never locks anyone out: a
// reviewer's account cannot be shut at a deadline by someone typing wrong passwords for it.
const (
	// The tries a name has from one address before each wrong one doubles the wait, up to a limit.
	freeTriesFromAPlace = 5
	longestWaitAtAPlace = 15 * time.Minute
	// The tries a name has from everywhere together, before a shorter wait applies to all of them.
	freeTriesOfAName   = 20
	longestWaitOfAName = time.Minute
	firstWait          = time.Second

	minPasswordRunes = 12
	maxPasswordBytes = 72 // what bcrypt reads
	// weakestScore is the least zxcvbn score a new password must reach: 3 is about 10^8 guesses.
	weakestScore = 3
)

// errWrongLogin is one answer for every failed sign-in — unknown name, disabled account, wrong
// password, no password here — so that it tells nothing about which part was wrong.
var errWrongLogin = &Error{Kind: KindUnauthenticated, Code: "invalid_credentials", Message: "用户名或密码错误"}

// throttled is the answer to a try asked for too soon, the same for every name.
func throttled(wait time.Duration) *Error {
	secs := int(math.Ceil(wait.Seconds()))
	return &Error{Kind: KindTooMany, Code: "too_many_attempts", RetryAfter: time.Duration(secs) * time.Second,
		Message: fmt.Sprintf("登录尝试过于频繁，请%d秒后再试", secs)}
}

// dummyHash keeps the time of a sign-in with an unknown user like that of a known one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("outbound-dummy-password"), bcrypt.DefaultCost)

// checkNewPassword applies the password policy: long enough, and not easy to guess — not a
// common password, a keyboard walk, a repetition or a variant of the person's own name or number.
func checkNewPassword(f fields, field, pw string, person ...string) {
	switch {
	case utf8.RuneCountInString(pw) < minPasswordRunes || len(pw) > maxPasswordBytes:
		f.add(field, fmt.Sprintf("密码应为%d至%d个字符", minPasswordRunes, maxPasswordBytes))
	case zxcvbn.PasswordStrength(pw, person).Score < weakestScore:
		f.add(field, "密码太容易被猜到（常见密码、键盘顺序、重复字符或与姓名、学号/工号相近），请换一个更长、更不规则的密码")
	}
}

// Credentials are a local sign-in.
type Credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// CheckPassword signs in with a local password. Every outcome is audited with the client's
// address: a success, a wrong password or an unknown name, a try asked for too soon.
func (s *Service) CheckPassword(ctx context.Context, in Credentials, addr string) (*storage.Account, error) {
	acc, err := s.checkPassword(ctx, in, addr)
	var e *Error
	switch {
	case err == nil:
		if err := s.recordAccess(ctx, Caller{Account: acc, Addr: addr}, "auth.login", "account", acc.ID, map[string]any{"source": "local"}); err != nil {
			return nil, err
		}
	case errors.As(err, &e) && (e.Code == errWrongLogin.Code || e.Kind == KindTooMany):
		// The name as typed, cut to what a name can be: whoever it was, the office can see the attempts.
		name := process.CleanText(strings.TrimSpace(in.Username), process.MaxNameRunes)
		s.audit(ctx, Caller{Account: &storage.Account{}, Addr: addr}, "auth.login_failed", "account", name, nil, map[string]any{"reason": e.Code})
	}
	return acc, err
}

func (s *Service) checkPassword(ctx context.Context, in Credentials, addr string) (*storage.Account, error) {
	f := fields{}
	if strings.TrimSpace(in.Username) == "" {
		f.add("username", "请输入用户名（学号或工号）")
	}
	if in.Password == "" {
		f.add("password", "请输入密码")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	username := strings.TrimSpace(in.Username)
	tries, err := s.claimTries(ctx, username, addr)
	if err != nil {
		return nil, err
	}
	var acc *storage.Account
	err = storage.ErrNotFound // a name no account can have is not looked up
	if usernameRE.MatchString(username) {
		acc, err = s.Store.AccountByUsername(ctx, username)
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	if err != nil || acc.Disabled || acc.PasswordHash == nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(in.Password))
		return nil, errWrongLogin
	}
	if bcrypt.CompareHashAndPassword([]byte(*acc.PasswordHash), []byte(in.Password)) != nil {
		return nil, errWrongLogin
	}
	if err := s.Store.ClearTries(ctx, tries...); err != nil {
		return nil, err
	}
	return acc, nil
}

// claimTries counts a try of a password for a name from an address before the password is
// checked, so that parallel guesses cannot outrun the count: per address in a minute, per name
// from that address, per name from everywhere. It answers the keys a right password clears.
func (s *Service) claimTries(ctx context.Context, username, addr string) ([]string, error) {
	place := "addr:" + addressKey(addr)
	if wait, err := s.Store.CountInWindow(ctx, place, s.Config.Auth.LoginPerMinute, time.Minute); err != nil || wait > 0 {
		return nil, orThrottled(wait, err)
	}
	name := "name:" + strings.ToLower(process.CleanText(username, 64))
	if wait, err := s.Store.ClaimTry(ctx, name+"@"+place, freeTriesFromAPlace, firstWait, longestWaitAtAPlace); err != nil || wait > 0 {
		return nil, orThrottled(wait, err)
	}
	if wait, err := s.Store.ClaimTry(ctx, name, freeTriesOfAName, firstWait, longestWaitOfAName); err != nil || wait > 0 {
		return nil, orThrottled(wait, err)
	}
	return []string{name + "@" + place, name}, nil
}

func orThrottled(wait time.Duration, err error) error {
	if err != nil {
		return err
	}
	return throttled(wait)
}

// addressKey is the part of a client address one person controls: an IPv4 address, or the /64
// of an IPv6 one (a home or a phone gets a whole /64).
func addressKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// PasswordChange is a signed-in person's new password, with the current one.
type PasswordChange struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// ChangePassword sets the caller's own local password. A wrong current password counts like a
// wrong sign-in; the caller's other sessions end, this one stays.
func (s *Service) ChangePassword(ctx context.Context, who Caller, sessionToken string, in PasswordChange) error {
	f := fields{}
	if in.CurrentPassword == "" {
		f.add("currentPassword", "请输入当前密码")
	}
	checkNewPassword(f, "newPassword", in.NewPassword, who.Username, who.DisplayName)
	if in.NewPassword != "" && in.NewPassword == in.CurrentPassword {
		f.add("newPassword", "新密码不能与当前密码相同")
	}
	if err := f.err(); err != nil {
		return err
	}
	acc, err := s.Store.AccountByID(ctx, who.ID)
	if err != nil {
		return err
	}
	if acc.PasswordHash == nil {
		return conflict("no_local_password", "该账号通过统一身份认证登录，请在学校统一身份认证修改密码")
	}
	tries, err := s.claimTries(ctx, acc.Username, who.Addr)
	if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(*acc.PasswordHash), []byte(in.CurrentPassword)) != nil {
		return Invalid(map[string]string{"currentPassword": "当前密码不正确"})
	}
	if err := s.Store.ClearTries(ctx, tries...); err != nil {
		return err
	}
	hash, err := hashPassword(in.NewPassword)
	if err != nil {
		return err
	}
	if err := s.Store.ChangeOwnPassword(ctx, acc.ID, *hash, hashToken(sessionToken)); err != nil {
		return err
	}
	s.audit(ctx, who, "account.change_password", "account", acc.ID, nil, nil)
	return nil
}
