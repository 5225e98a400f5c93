package service

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"outbound/process"
	"outbound/storage"
	"outbound/webhook"
	"outbound/workflows"
)

// EventEndpointInput is what an administrator says of a campus system told of events.
type EventEndpointInput struct {
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Events  []string `json:"events"`
	Enabled *bool    `json:"enabled"`
}

// EventEndpointSaved is an endpoint as saved; Secret only when it was just made (shown once).
type EventEndpointSaved struct {
	storage.EventEndpoint
	Secret string `json:"secret,omitempty"`
}

// EndpointList and DeliveryList are answered as every list is.
type (
	EndpointList struct {
		Items []storage.EventEndpoint `json:"items"`
	}
	DeliveryList struct {
		Items []storage.Delivery `json:"items"`
	}
)

// notFoundAs names what was not found.
func notFoundAs(err error, what string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return NotFound(what)
	}
	return err
}

// EventEndpoints lists the campus systems told of events, with their delivery figures.
func (s *Service) EventEndpoints(ctx context.Context) (*EndpointList, error) {
	items, err := s.Store.EventEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	return &EndpointList{Items: items}, nil
}

func checkEndpoint(in *EventEndpointInput) error {
	f := fields{}
	in.Name, in.URL = strings.TrimSpace(in.Name), strings.TrimSpace(in.URL)
	f.requiredText("name", "名称", in.Name, 50)
	if f.required("url", "推送地址", in.URL) {
		u, err := url.Parse(in.URL)
		switch {
		case len(in.URL) > 500:
			f.add("url", "推送地址不能超过500个字符")
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			f.add("url", "推送地址应为 http:// 或 https:// 开头的完整地址")
		}
	}
	seen := map[string]bool{}
	for _, e := range in.Events {
		if !process.IsCampusEvent(e) || seen[e] {
			f.add("events", "事件"+e+"不存在或重复")
		}
		seen[e] = true
	}
	if len(in.Events) == 0 {
		f.add("events", "请至少选择一种事件")
	}
	return f.err()
}

// CreateEventEndpoint registers a campus system; it is told of the events recorded from now on,
// signed with a secret made here and shown this once.
func (s *Service) CreateEventEndpoint(ctx context.Context, who Caller, in EventEndpointInput) (*EventEndpointSaved, error) {
	if err := checkEndpoint(&in); err != nil {
		return nil, err
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	ep := storage.EventEndpoint{Name: in.Name, URL: in.URL, Secret: secret, Events: in.Events, Enabled: in.Enabled == nil || *in.Enabled}
	if err := s.Store.CreateEventEndpoint(ctx, &ep); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "event_endpoint.create", "event_endpoint", ep.ID, nil, in)
	return s.savedEndpoint(ctx, ep.ID, secret)
}

// UpdateEventEndpoint changes an endpoint; switched off, its delivery stops where it is and
// resumes there when it is switched on again.
func (s *Service) UpdateEventEndpoint(ctx context.Context, who Caller, id int64, in EventEndpointInput) (*EventEndpointSaved, error) {
	if err := checkEndpoint(&in); err != nil {
		return nil, err
	}
	before, err := s.eventEndpoint(ctx, id)
	if err != nil {
		return nil, err
	}
	ep := storage.EventEndpoint{ID: id, Name: in.Name, URL: in.URL, Events: in.Events, Enabled: in.Enabled == nil || *in.Enabled}
	if err := s.Store.UpdateEventEndpoint(ctx, &ep); err != nil {
		return nil, err
	}
	s.audit(ctx, who, "event_endpoint.update", "event_endpoint", id,
		EventEndpointInput{Name: before.Name, URL: before.URL, Events: before.Events, Enabled: &before.Enabled}, in)
	return s.savedEndpoint(ctx, id, "")
}

// RotateEventSecret makes a new signing secret, shown this once; the old one signs no more.
func (s *Service) RotateEventSecret(ctx context.Context, who Caller, id int64) (*EventEndpointSaved, error) {
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetEventSecret(ctx, id, secret); err != nil {
		return nil, notFoundAs(err, "推送地址")
	}
	s.audit(ctx, who, "event_endpoint.rotate_secret", "event_endpoint", id, nil, nil)
	return s.savedEndpoint(ctx, id, secret)
}

// Redeliver sends an event again, and every later one, in order.
func (s *Service) Redeliver(ctx context.Context, who Caller, id, eventID int64) (*EventEndpointSaved, error) {
	if _, err := s.eventEndpoint(ctx, id); err != nil {
		return nil, err
	}
	moved, err := s.Store.RedeliverFrom(ctx, id, eventID)
	if err != nil {
		return nil, err
	}
	if !moved {
		return nil, Invalid(map[string]string{"eventId": "事件编号不存在（已清理或从未产生）"})
	}
	s.audit(ctx, who, "event_endpoint.redeliver", "event_endpoint", id, nil, map[string]any{"eventId": eventID})
	return s.savedEndpoint(ctx, id, "")
}

// Deliveries are an endpoint's latest tries, newest first.
func (s *Service) Deliveries(ctx context.Context, id int64, failedOnly bool) (*DeliveryList, error) {
	if _, err := s.eventEndpoint(ctx, id); err != nil {
		return nil, err
	}
	items, err := s.Store.Deliveries(ctx, id, failedOnly, 200)
	if err != nil {
		return nil, err
	}
	return &DeliveryList{Items: items}, nil
}

func (s *Service) eventEndpoint(ctx context.Context, id int64) (*storage.EventEndpoint, error) {
	ep, err := s.Store.EventEndpoint(ctx, id)
	return ep, notFoundAs(err, "推送地址")
}

// savedEndpoint reads the endpoint back and wakes its delivery (started when it runs none).
func (s *Service) savedEndpoint(ctx context.Context, id int64, secret string) (*EventEndpointSaved, error) {
	ep, err := s.eventEndpoint(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.WakeEventDelivery(ctx, ep.ID, ep.Enabled); err != nil {
		// Saved all the same: the workers start every enabled endpoint's delivery when they start.
		slog.Warn("event delivery not woken", "endpoint", ep.ID, "error", err)
	}
	return &EventEndpointSaved{EventEndpoint: *ep, Secret: secret}, nil
}

// WakeEventDelivery starts an enabled endpoint's delivery workflow, or wakes the one that runs;
// a disabled endpoint's running delivery is woken to end.
func (s *Service) WakeEventDelivery(ctx context.Context, id int64, enabled bool) error {
	wid := workflows.EventDeliveryID(id)
	if !enabled {
		err := s.Temporal.SignalWorkflow(ctx, wid, "", workflows.SignalDeliverNow, nil)
		var missing *serviceerror.NotFound
		if errors.As(err, &missing) {
			return nil
		}
		return err
	}
	ev := s.Config.Events
	_, err := s.Temporal.SignalWithStartWorkflow(ctx, wid, workflows.SignalDeliverNow, nil, client.StartWorkflowOptions{
		ID: wid, TaskQueue: s.Config.Temporal.TaskQueue, StaticSummary: "事件推送：按顺序向校内系统推送事件",
	}, workflows.EventDeliveryWorkflowName, workflows.EventDeliveryInput{EndpointID: id, Every: ev.Every, RetryFirst: ev.RetryFirst, RetryMax: ev.RetryMax})
	return err
}
