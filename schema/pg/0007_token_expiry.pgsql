-- 0007_token_expiry.pgsql: PostgreSQL's 0007 (see schema/0007_token_expiry.sql).
-- An API token may expire; NULL lasts until it is revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;

-- Sealed secrets ("enc1:" + base64 of AES-256-GCM) pass the length checks,
-- which were written for the plaintext (checked before sealing).
ALTER TABLE common_phone_profiles
    DROP CONSTRAINT common_phone_profiles_phone_password_check,
    ADD CONSTRAINT common_phone_profiles_phone_password_check
        CHECK (length(phone_password) <= 15 OR phone_password LIKE 'enc1:%'),
    DROP CONSTRAINT common_phone_profiles_ssh_password_check,
    ADD CONSTRAINT common_phone_profiles_ssh_password_check
        CHECK (length(ssh_password) <= 127 OR ssh_password LIKE 'enc1:%');
ALTER TABLE directory_numbers
    DROP CONSTRAINT directory_numbers_auth_password_check,
    ADD CONSTRAINT directory_numbers_auth_password_check
        CHECK (length(auth_password) <= 30 OR auth_password LIKE 'enc1:%');
