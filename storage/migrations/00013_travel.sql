-- +goose Up
-- 出行信息: the travel document, visa, insurance and flights, filled in with the 行前材料. Applications
-- created before it do not need it to hand the 行前材料 in (travel_required is false for them).
ALTER TABLE applications
    ADD COLUMN travel_doc_type      TEXT NOT NULL DEFAULT '' CHECK (length(travel_doc_type) <= 20),
    ADD COLUMN travel_doc_no        TEXT NOT NULL DEFAULT '' CHECK (length(travel_doc_no) <= 30),
    ADD COLUMN travel_doc_expiry    DATE,
    ADD COLUMN visa_type            TEXT NOT NULL DEFAULT '' CHECK (length(visa_type) <= 50),
    ADD COLUMN visa_no              TEXT NOT NULL DEFAULT '' CHECK (length(visa_no) <= 30),
    ADD COLUMN visa_from            DATE,
    ADD COLUMN visa_to              DATE,
    ADD COLUMN visa_entries         TEXT NOT NULL DEFAULT '' CHECK (length(visa_entries) <= 10),
    ADD COLUMN insurer              TEXT NOT NULL DEFAULT '' CHECK (length(insurer) <= 100),
    ADD COLUMN policy_no            TEXT NOT NULL DEFAULT '' CHECK (length(policy_no) <= 50),
    ADD COLUMN insurance_from       DATE,
    ADD COLUMN insurance_to         DATE,
    ADD COLUMN insurance_amount     NUMERIC(12, 2),
    ADD COLUMN outbound_flight_date DATE,
    ADD COLUMN outbound_flight_no   TEXT NOT NULL DEFAULT '' CHECK (length(outbound_flight_no) <= 20),
    ADD COLUMN return_flight_date   DATE,
    ADD COLUMN return_flight_no     TEXT NOT NULL DEFAULT '' CHECK (length(return_flight_no) <= 20),
    ADD COLUMN host_contact         TEXT NOT NULL DEFAULT '' CHECK (length(host_contact) <= 200),
    ADD COLUMN address_abroad       TEXT NOT NULL DEFAULT '' CHECK (length(address_abroad) <= 200),
    ADD COLUMN travel_saved_at      TIMESTAMPTZ,
    ADD COLUMN travel_required      BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE applications ALTER COLUMN travel_required SET DEFAULT true;

-- +goose Down
ALTER TABLE applications
    DROP COLUMN travel_doc_type, DROP COLUMN travel_doc_no, DROP COLUMN travel_doc_expiry, DROP COLUMN visa_type,
    DROP COLUMN visa_no, DROP COLUMN visa_from, DROP COLUMN visa_to, DROP COLUMN visa_entries, DROP COLUMN insurer,
    DROP COLUMN policy_no, DROP COLUMN insurance_from, DROP COLUMN insurance_to, DROP COLUMN insurance_amount,
    DROP COLUMN outbound_flight_date, DROP COLUMN outbound_flight_no, DROP COLUMN return_flight_date,
    DROP COLUMN return_flight_no, DROP COLUMN host_contact, DROP COLUMN address_abroad, DROP COLUMN travel_saved_at,
    DROP COLUMN travel_required;
