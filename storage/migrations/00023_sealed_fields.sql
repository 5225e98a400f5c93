-- +goose Up
-- 身份证号 and 护照号 (and a travel document's number) are sealed at rest: AES-256-CBC with an
-- HMAC-SHA256 tag, under keys the application gives its connections (database.field_keys: id:key,
-- as outbound.field_keys, with outbound.field_key_id naming the one that seals). A sealed value
-- reads 'enc:<key id>:<base64 of iv|ciphertext|tag>'; a value in clear (written before, or where no
-- key is configured) reads as itself, and the housekeeping run seals it, or seals it again under
-- the current key after a rotation. The database, its files and its backups hold no such number in
-- clear; whoever has the database without the keys cannot read them.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- +goose StatementBegin
CREATE FUNCTION outbound_field_key(kid text) RETURNS bytea LANGUAGE plpgsql STABLE AS $$
DECLARE
    k text := substring(',' || coalesce(current_setting('outbound.field_keys', true), '') || ',' FROM ',' || kid || ':([^,]*),');
BEGIN
    IF k IS NULL OR k = '' THEN
        RAISE EXCEPTION 'field key % is not configured (database.field_keys)', kid;
    END IF;
    RETURN decode(k, 'base64');
END $$;

CREATE FUNCTION outbound_seal(plain text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    kid text := nullif(current_setting('outbound.field_key_id', true), '');
    k bytea;
    iv bytea;
    ct bytea;
BEGIN
    IF plain IS NULL OR plain = '' OR kid IS NULL THEN
        RETURN plain;
    END IF;
    k := outbound_field_key(kid);
    iv := gen_random_bytes(16);
    ct := encrypt_iv(convert_to(plain, 'UTF8'), hmac('enc'::bytea, k, 'sha256'), iv, 'aes-cbc/pad:pkcs');
    RETURN 'enc:' || kid || ':' || translate(encode(iv || ct ||
        substring(hmac(iv || ct, hmac('mac'::bytea, k, 'sha256'), 'sha256') FROM 1 FOR 16), 'base64'), E'\n', '');
END $$;

CREATE FUNCTION outbound_open(stored text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    k bytea;
    blob bytea;
    n int;
BEGIN
    IF stored IS NULL OR stored NOT LIKE 'enc:%' THEN
        RETURN stored;
    END IF;
    k := outbound_field_key(split_part(stored, ':', 2));
    blob := decode(split_part(stored, ':', 3), 'base64');
    n := length(blob);
    IF substring(hmac(substring(blob FROM 1 FOR n - 16), hmac('mac'::bytea, k, 'sha256'), 'sha256') FROM 1 FOR 16)
        <> substring(blob FROM n - 15) THEN
        RAISE EXCEPTION 'a sealed field fails its check';
    END IF;
    RETURN convert_from(decrypt_iv(substring(blob FROM 17 FOR n - 32), hmac('enc'::bytea, k, 'sha256'),
        substring(blob FROM 1 FOR 16), 'aes-cbc/pad:pkcs'), 'UTF8');
END $$;

-- The named fields of each section of a snapshot (an object of objects), sealed or opened.
CREATE FUNCTION outbound_map_fields(content jsonb, names text[], seal boolean) RETURNS jsonb LANGUAGE sql VOLATILE AS $$
    SELECT coalesce(jsonb_object_agg(k, CASE WHEN jsonb_typeof(v) <> 'object' THEN v ELSE (
        SELECT coalesce(jsonb_object_agg(fk, CASE WHEN fk = ANY(names) AND jsonb_typeof(fv) = 'string'
            THEN to_jsonb(CASE WHEN seal THEN outbound_seal(fv #>> '{}') ELSE outbound_open(fv #>> '{}') END) ELSE fv END), '{}'::jsonb)
        FROM jsonb_each(v) AS f(fk, fv)) END), '{}'::jsonb)
    FROM jsonb_each(content) AS e(k, v)
$$;

CREATE FUNCTION outbound_seal_fields(content jsonb, names text[]) RETURNS jsonb LANGUAGE sql VOLATILE AS $$
    SELECT outbound_map_fields(content, names, true)
$$;

CREATE FUNCTION outbound_open_fields(content jsonb, names text[]) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT outbound_map_fields(content, names, false)
$$;
-- +goose StatementEnd

-- A sealed number is longer than the number: its length is checked where it is typed.
ALTER TABLE applications DROP CONSTRAINT IF EXISTS applications_travel_doc_no_check;

-- +goose Down
DROP FUNCTION outbound_open_fields(jsonb, text[]);
DROP FUNCTION outbound_seal_fields(jsonb, text[]);
DROP FUNCTION outbound_map_fields(jsonb, text[], boolean);
DROP FUNCTION outbound_open(text);
DROP FUNCTION outbound_seal(text);
DROP FUNCTION outbound_field_key(text);
