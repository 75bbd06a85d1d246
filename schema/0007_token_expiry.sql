-- 0007_token_expiry.sql: an API token may expire (`ucprov token create
-- --expires DAYS`); NULL is a token that lasts until it is revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;

-- Secrets phones need are stored sealed ("enc1:" + base64 of AES-256-GCM,
-- server/secretbox.h), longer than the plaintext the length checks were
-- written for: a sealed value passes them (its plaintext length is checked
-- before sealing, server/service/validate.c).  The checks change in the
-- schema text only, the way SQLite documents for a change that leaves the
-- stored rows as they are; connections opened after this one see them.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(replace(sql,
       'CHECK (length(phone_password) <= 15)',
       'CHECK (length(phone_password) <= 15 OR phone_password LIKE ''enc1:%'')'),
       'CHECK (length(ssh_password) <= 127)',
       'CHECK (length(ssh_password) <= 127 OR ssh_password LIKE ''enc1:%'')')
 WHERE type = 'table' AND name = 'common_phone_profiles';
UPDATE sqlite_schema
   SET sql = replace(sql,
       'CHECK (length(auth_password) <= 30)',
       'CHECK (length(auth_password) <= 30 OR auth_password LIKE ''enc1:%'')')
 WHERE type = 'table' AND name = 'directory_numbers';
PRAGMA writable_schema = OFF;
