-- +goose Up
-- Campus systems told of what happens here: the endpoints an administrator registers, the events
-- recorded for them with the read model (an outbox), and each endpoint's deliveries.
CREATE TABLE event_endpoints (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    -- The signing secret, sealed like identity numbers (outbound_seal).
    secret TEXT NOT NULL,
    events TEXT[] NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- Where delivery stands: the last event delivered or passed over, as (txid, id) (see below).
    cursor_txid xid8 NOT NULL,
    cursor_id BIGINT NOT NULL DEFAULT 0,
    -- Counts the redeliveries asked: a delivery begun before one does not move the cursor.
    generation INT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An event is stamped with the transaction that recorded it. Endpoints read events in (txid, id)
-- order and only those of transactions older than every one still running, so an event committed
-- late can never fall behind a cursor that has passed it: no gaps, in order per application.
CREATE TABLE event_outbox (
    id BIGSERIAL PRIMARY KEY,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    kind TEXT NOT NULL,
    application_id BIGINT NOT NULL REFERENCES applications(id),
    event_seq INT NOT NULL,
    payload JSONB NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    UNIQUE (application_id, event_seq, kind)
);
CREATE INDEX event_outbox_order ON event_outbox (txid, id);

CREATE TABLE event_deliveries (
    endpoint_id BIGINT NOT NULL REFERENCES event_endpoints(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES event_outbox(id) ON DELETE CASCADE,
    attempts INT NOT NULL DEFAULT 0,
    delivered_at TIMESTAMPTZ,
    last_status INT,
    last_error TEXT NOT NULL DEFAULT '',
    last_tried_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX event_deliveries_recent ON event_deliveries (endpoint_id, last_tried_at DESC);

-- +goose Down
DROP TABLE event_deliveries;
DROP TABLE event_outbox;
DROP TABLE event_endpoints;
