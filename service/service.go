// Package service is the application service between HTTP and the engine.
// It owns creating applications (atomically with their workflows), sending
// messages to the workflows and answering with their view, the read-model
// queries, who may see and do what (role, ownership and scope), the checks
// of every form, files, accounts and the audit log. HTTP handlers decode,
// call one method here and encode its answer.
package service

import (
	"context"
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/client"
	"golang.org/x/sync/singleflight"

	"outbound/config"
	"outbound/process"
	"outbound/storage"
	"outbound/storage/blob"
	"outbound/workflows"
)

// Service holds the connections the application service works with.
type Service struct {
	Config   *config.Config
	Store    *storage.Store
	Files    *blob.Store
	Temporal client.Client
	// Process is the chain new applications get; the read model's stages come from it.
	Process process.Definition
	// turns keeps how many messages are handed to workflows at once; handing joins a message
	// repeated while it is carried to the one already on its way.
	turns   *turns
	handing singleflight.Group
}

// New builds the service over open connections.
func New(cfg *config.Config, store *storage.Store, files *blob.Store, tc client.Client) *Service {
	return &Service{Config: cfg, Store: store, Files: files, Temporal: tc, Process: process.DefaultDefinition(),
		turns: newTurns(cfg.Temporal.MessagesAtOnce)}
}

// Caller is the signed-in account of a request and where it came from.
type Caller struct {
	*storage.Account
	// Addr is the client's address, for the audit log.
	Addr string
}

// Role is the caller's role.
func (c Caller) Role() process.Role { return process.Role(c.Account.Role) }

// Actor is the caller as the workflow knows it.
func (c Caller) Actor() workflows.Actor {
	return workflows.Actor{ID: c.ID, Name: c.DisplayName, Role: c.Role(), College: c.College()}
}

// audit records who changed what, before and after, from where. A failure is
// logged: the change itself has happened.
func (s *Service) audit(ctx context.Context, who Caller, action, targetType string, targetID any, before, after any) {
	entry := storage.AuditEntry{ActorID: who.ID, Action: action, TargetType: targetType,
		TargetID: fmt.Sprint(targetID), Before: before, After: after, RemoteAddr: who.Addr}
	if err := s.Store.Audit(context.WithoutCancel(ctx), entry); err != nil {
		slog.Error("audit entry lost", "error", err, "action", action, "target", entry.TargetID)
	}
}

// errAccessUnrecorded: personal data does not leave unless its leaving is on record.
var errAccessUnrecorded = &Error{Kind: KindUnavailable, Code: "unavailable", Message: "暂时无法记录本次访问，请稍后重试"}

// recordAccess audits a reading of personal data (an export, a file, a sign-in) before the data
// goes out: when the entry cannot be written, the data is not given either.
func (s *Service) recordAccess(ctx context.Context, who Caller, action, targetType string, targetID any, after any) error {
	entry := storage.AuditEntry{ActorID: who.ID, Action: action, TargetType: targetType, TargetID: fmt.Sprint(targetID), After: after, RemoteAddr: who.Addr}
	if err := s.Store.Audit(ctx, entry); err != nil {
		slog.Error("audit entry not written; access refused", "error", err, "action", action, "target", entry.TargetID)
		return errAccessUnrecorded
	}
	return nil
}

// RecordDecode puts on record that an administrator had workflow payloads decoded in the Temporal UI.
func (s *Service) RecordDecode(ctx context.Context, who Caller) error {
	return s.recordAccess(ctx, who, "temporal.decode", "workflow", "payloads", nil)
}

// Page is one page of a list.
type Page[T any] struct {
	Items    []T `json:"items"`
	Total    int `json:"total"`
	Page     int `json:"page"`
	PageSize int `json:"pageSize"`
}

// Paging is what page of a list is asked for.
type Paging struct {
	Page, Size int
}

// bounds gives sensible limits: pages from 1, 1 to 100 rows, no offset past what a list can hold.
func (p Paging) bounds() (limit, offset, pageNo int) {
	pageNo, limit = p.Page, p.Size
	if limit < 1 || limit > 100 {
		limit = 20
	}
	if pageNo < 1 || pageNo > 1_000_000 {
		pageNo = 1
	}
	return limit, (pageNo - 1) * limit, pageNo
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// CommandLine is the caller of the administration commands run on a server:
// an administrator without an account, recorded in the audit log as such.
func CommandLine() Caller {
	return Caller{Account: &storage.Account{DisplayName: "命令行", Role: string(process.RoleAdmin)}, Addr: "command line"}
}
