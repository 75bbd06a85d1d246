-- 0006_token_expiry.sql: an API token may expire (`ucprov token create
-- --expires DAYS`); NULL is a token that lasts until it is revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
