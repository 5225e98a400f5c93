package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lib/pq"
)

// EventEndpoint is a campus system told of events; Secret is written, never listed (EventTarget reads it to sign).
type EventEndpoint struct {
	ID        int64          `db:"id" json:"id"`
	Name      string         `db:"name" json:"name"`
	URL       string         `db:"url" json:"url"`
	Secret    string         `db:"secret" json:"-"`
	Events    pq.StringArray `db:"events" json:"events"`
	Enabled   bool           `db:"enabled" json:"enabled"`
	CreatedAt time.Time      `db:"created_at" json:"createdAt"`
	// What delivery has done: events delivered, waiting (after the cursor) and the last failure.
	Delivered   int        `db:"delivered" json:"delivered"`
	Waiting     int        `db:"waiting" json:"waiting"`
	LastError   string     `db:"last_error" json:"lastError"`
	LastErrorAt *time.Time `db:"last_error_at" json:"lastErrorAt"`
}

// endpointColumns reads an endpoint with its figures; waiting counts the events after its cursor.
const endpointColumns = `e.id, e.name, e.url, e.events, e.enabled, e.created_at,
	(SELECT count(*) FROM event_deliveries d WHERE d.endpoint_id = e.id AND d.delivered_at IS NOT NULL) AS delivered,
	(SELECT count(*) FROM event_outbox o WHERE (o.txid, o.id) > (e.cursor_txid, e.cursor_id) AND o.kind = ANY(e.events)) AS waiting,
	coalesce((SELECT d.last_error FROM event_deliveries d WHERE d.endpoint_id = e.id AND d.delivered_at IS NULL ORDER BY d.last_tried_at DESC LIMIT 1), '') AS last_error,
	(SELECT d.last_tried_at FROM event_deliveries d WHERE d.endpoint_id = e.id AND d.delivered_at IS NULL ORDER BY d.last_tried_at DESC LIMIT 1) AS last_error_at`

// EventEndpoints lists the endpoints.
func (s *Store) EventEndpoints(ctx context.Context) ([]EventEndpoint, error) {
	out := []EventEndpoint{}
	err := s.DB.SelectContext(ctx, &out, `SELECT `+endpointColumns+` FROM event_endpoints e ORDER BY e.id`)
	return out, err
}

// EventEndpoint reads one endpoint.
func (s *Store) EventEndpoint(ctx context.Context, id int64) (*EventEndpoint, error) {
	var out EventEndpoint
	err := s.DB.GetContext(ctx, &out, `SELECT `+endpointColumns+` FROM event_endpoints e WHERE e.id = $1`, id)
	return &out, notFound(err)
}

// Target is what delivering to an endpoint needs, read on every run of its delivery: none of the
// figures the administrators' list counts.
type Target struct {
	URL     string `db:"url"`
	Secret  string `db:"secret"`
	Enabled bool   `db:"enabled"`
}

// EventTarget reads an endpoint's address, secret and whether it is on.
func (s *Store) EventTarget(ctx context.Context, id int64) (*Target, error) {
	var out Target
	err := s.DB.GetContext(ctx, &out, `SELECT url, outbound_open(secret) AS secret, enabled FROM event_endpoints WHERE id = $1`, id)
	return &out, notFound(err)
}

// EnabledEventEndpoints are the ids of the endpoints switched on.
func (s *Store) EnabledEventEndpoints(ctx context.Context) ([]int64, error) {
	out := []int64{}
	err := s.DB.SelectContext(ctx, &out, `SELECT id FROM event_endpoints WHERE enabled ORDER BY id`)
	return out, err
}

// CreateEventEndpoint registers an endpoint; it is told of the events recorded from now on.
func (s *Store) CreateEventEndpoint(ctx context.Context, e *EventEndpoint) error {
	return s.DB.GetContext(ctx, &e.ID, `INSERT INTO event_endpoints (name, url, secret, events, enabled, cursor_txid)
		VALUES ($1, $2, outbound_seal($3), $4, $5, pg_snapshot_xmin(pg_current_snapshot())) RETURNING id`,
		e.Name, e.URL, e.Secret, e.Events, e.Enabled)
}

// UpdateEventEndpoint changes an endpoint's name, address, events and whether it is on.
func (s *Store) UpdateEventEndpoint(ctx context.Context, e *EventEndpoint) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE event_endpoints SET name = $2, url = $3, events = $4, enabled = $5, updated_at = now() WHERE id = $1`,
		e.ID, e.Name, e.URL, e.Events, e.Enabled)
	return rowsOrNotFound(res, err)
}

// SetEventSecret replaces an endpoint's signing secret.
func (s *Store) SetEventSecret(ctx context.Context, id int64, secret string) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE event_endpoints SET secret = outbound_seal($2), updated_at = now() WHERE id = $1`, id, secret)
	return rowsOrNotFound(res, err)
}

// RedeliverFrom moves an endpoint's cursor back to just before an event, so that it and every
// later one are delivered again, in order; false when the event is not in the outbox.
func (s *Store) RedeliverFrom(ctx context.Context, endpointID, eventID int64) (bool, error) {
	res, err := s.DB.ExecContext(ctx, `UPDATE event_endpoints e SET cursor_txid = o.txid, cursor_id = o.id - 1, generation = generation + 1, updated_at = now()
		FROM event_outbox o WHERE e.id = $1 AND o.id = $2`, endpointID, eventID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// OutboxEvent is an event waiting for an endpoint, as it is sent.
type OutboxEvent struct {
	ID         int64           `db:"id" json:"id"`
	Kind       string          `db:"kind" json:"type"`
	OccurredAt time.Time       `db:"occurred_at" json:"occurredAt"`
	Payload    json.RawMessage `db:"payload" json:"data"`
	TxID       string          `db:"txid" json:"-"`
	// Generation is the endpoint's count of redeliveries when the event was read.
	Generation int `db:"generation" json:"-"`
}

// NextEvents are the endpoint's next events in order, at most n: only events of transactions
// older than every one still running, so that none can commit later behind them.
func (s *Store) NextEvents(ctx context.Context, endpointID int64, n int) ([]OutboxEvent, error) {
	out := []OutboxEvent{}
	err := s.DB.SelectContext(ctx, &out, `SELECT o.id, o.kind, o.occurred_at, o.payload, o.txid::text AS txid, e.generation
		FROM event_endpoints e JOIN event_outbox o ON (o.txid, o.id) > (e.cursor_txid, e.cursor_id) AND o.kind = ANY(e.events)
		WHERE e.id = $1 AND e.enabled AND o.txid < pg_snapshot_xmin(pg_current_snapshot())
		ORDER BY o.txid, o.id LIMIT $2`, endpointID, n)
	return out, err
}

// Delivered records an event delivered and moves the endpoint's cursor past it, unless a
// redelivery was asked since the event was read (that one stands).
func (s *Store) Delivered(ctx context.Context, endpointID int64, ev OutboxEvent, status int) error {
	_, err := s.DB.ExecContext(ctx, `WITH d AS (
			INSERT INTO event_deliveries (endpoint_id, event_id, attempts, delivered_at, last_status, last_error, last_tried_at)
			VALUES ($1, $2, 1, now(), $3, '', now())
			ON CONFLICT (endpoint_id, event_id) DO UPDATE SET attempts = event_deliveries.attempts + 1, delivered_at = now(),
				last_status = $3, last_error = '', last_tried_at = now())
		UPDATE event_endpoints SET cursor_txid = $4::xid8, cursor_id = $2 WHERE id = $1 AND generation = $5`,
		endpointID, ev.ID, status, ev.TxID, ev.Generation)
	return err
}

// DeliveryFailed records a failed try; the event stays next.
func (s *Store) DeliveryFailed(ctx context.Context, endpointID, eventID int64, status int, problem string) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO event_deliveries (endpoint_id, event_id, attempts, last_status, last_error, last_tried_at)
		VALUES ($1, $2, 1, nullif($3, 0), $4, now())
		ON CONFLICT (endpoint_id, event_id) DO UPDATE SET attempts = event_deliveries.attempts + 1, delivered_at = NULL,
			last_status = nullif($3, 0), last_error = $4, last_tried_at = now()`, endpointID, eventID, status, problem)
	return err
}

// Delivery is an endpoint's delivery of one event, as administrators see it.
type Delivery struct {
	EventID       int64      `db:"event_id" json:"eventId"`
	Kind          string     `db:"kind" json:"type"`
	ApplicationID int64      `db:"application_id" json:"applicationId"`
	SystemNo      string     `db:"system_no" json:"systemNo"`
	OccurredAt    time.Time  `db:"occurred_at" json:"occurredAt"`
	Attempts      int        `db:"attempts" json:"attempts"`
	DeliveredAt   *time.Time `db:"delivered_at" json:"deliveredAt"`
	LastStatus    *int       `db:"last_status" json:"lastStatus"`
	LastError     string     `db:"last_error" json:"lastError"`
	LastTriedAt   time.Time  `db:"last_tried_at" json:"lastTriedAt"`
}

// Deliveries are an endpoint's latest tries, newest first; failedOnly keeps those not delivered.
func (s *Store) Deliveries(ctx context.Context, endpointID int64, failedOnly bool, limit int) ([]Delivery, error) {
	out := []Delivery{}
	err := s.DB.SelectContext(ctx, &out, `SELECT d.event_id, o.kind, o.application_id, a.system_no, o.occurred_at, d.attempts, d.delivered_at,
			d.last_status, d.last_error, d.last_tried_at
		FROM event_deliveries d JOIN event_outbox o ON o.id = d.event_id JOIN applications a ON a.id = o.application_id
		WHERE d.endpoint_id = $1 AND (NOT $2 OR d.delivered_at IS NULL) ORDER BY d.last_tried_at DESC, d.event_id DESC LIMIT $3`,
		endpointID, failedOnly, limit)
	return out, err
}

// ForgetDeliveredEvents removes events every endpoint has passed and that are older than the
// given age, with their deliveries.
func (s *Store) ForgetDeliveredEvents(ctx context.Context, olderThan time.Duration) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM event_outbox o WHERE o.occurred_at < now() - $1 * interval '1 second'
		AND NOT EXISTS (SELECT 1 FROM event_endpoints e WHERE e.enabled AND (o.txid, o.id) > (e.cursor_txid, e.cursor_id))`,
		olderThan.Seconds())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
